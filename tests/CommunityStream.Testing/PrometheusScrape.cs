using System.Globalization;

namespace CommunityStream.Testing;

/// <summary>
/// A parsed Prometheus text exposition (what <c>GET /metrics</c> returns): every sample by metric name, with its
/// labels. Enough for tests to find a series and its value; not a full parser (no escapes inside label values).
/// </summary>
public sealed class PrometheusScrape
{
    private readonly List<(string Name, Dictionary<string, string> Labels, double Value)> _samples = [];

    public PrometheusScrape(string text)
    {
        Text = text;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            var brace = line.IndexOf('{', StringComparison.Ordinal);
            var space = line.LastIndexOf(' ');
            var name = brace >= 0 && brace < space ? line[..brace] : line[..line.IndexOf(' ', StringComparison.Ordinal)];
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            if (brace >= 0 && brace < space)
            {
                var inner = line[(brace + 1)..line.LastIndexOf('}')];
                foreach (var pair in inner.Split("\",", StringSplitOptions.RemoveEmptyEntries))
                {
                    var equals = pair.IndexOf('=', StringComparison.Ordinal);
                    labels[pair[..equals]] = pair[(equals + 1)..].Trim('"');
                }
            }
            // A sample may end with a timestamp: the value is the first field after the name and labels.
            var fields = line[(brace >= 0 && brace < space ? line.LastIndexOf('}') + 1 : name.Length)..].Trim().Split(' ');
            var value = fields[0] switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                "NaN" => double.NaN,
                var number => double.Parse(number, CultureInfo.InvariantCulture),
            };
            _samples.Add((name, labels, value));
        }
    }

    /// <summary>The exposition as served.</summary>
    public string Text { get; }

    /// <summary>Our own samples (<c>communitystream_*</c>), one per line: what a failed wait shows.</summary>
    public override string ToString() =>
        string.Join('\n', Text.Split('\n').Where(line => line.StartsWith("communitystream_", StringComparison.Ordinal)));

    /// <summary>Every metric name with at least one sample.</summary>
    public IReadOnlySet<string> Names => _samples.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// The sum of the samples of <paramref name="name"/> whose labels include every <c>key=value</c> of
    /// <paramref name="labels"/>; null when there is none.
    /// </summary>
    public double? Value(string name, params string[] labels)
    {
        var matching = _samples
            .Where(s => s.Name == name && labels.All(l => l.Split('=', 2) is [var key, var value] && s.Labels.TryGetValue(key, out var v) && v == value))
            .ToList();
        return matching.Count == 0 ? null : matching.Sum(s => s.Value);
    }
}
