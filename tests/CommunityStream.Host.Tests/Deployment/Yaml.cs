using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace CommunityStream.Host.Tests.Deployment;

/// <summary>
/// YAML files as plain maps, lists and strings (YamlDotNet; merge keys such as compose's <c>&lt;&lt;: *node</c> resolved),
/// with a path reader for the few fields the manifest tests compare.
/// </summary>
internal static class Yaml
{
    private static readonly IDeserializer Deserializer = new DeserializerBuilder().Build();

    /// <summary>Every document of a file (Kubernetes files hold several, separated by <c>---</c>).</summary>
    public static IReadOnlyList<Dictionary<object, object>> LoadAll(string path)
    {
        using var reader = new StreamReader(path);
        var parser = new MergingParser(new Parser(reader));
        parser.Consume<StreamStart>();
        var documents = new List<Dictionary<object, object>>();
        while (parser.Accept<DocumentStart>(out _))
        {
            if (Deserializer.Deserialize<object>(parser) is Dictionary<object, object> document)
            {
                documents.Add(document);
            }
        }
        return documents;
    }

    /// <summary>The node at a dotted path (<c>spec.template.metadata.labels</c>), or null where any step is missing.</summary>
    public static object? At(this object? node, string path)
    {
        foreach (var step in path.Split('.'))
        {
            node = node is Dictionary<object, object> map && map.TryGetValue(step, out var next) ? next : null;
        }
        return node;
    }

    public static string? Text(this object? node, string path) => node.At(path) as string;

    public static Dictionary<object, object> Map(this object? node, string path) =>
        node.At(path) as Dictionary<object, object> ?? [];

    public static IEnumerable<object> List(this object? node, string path) =>
        node.At(path) as List<object> ?? [];

    /// <summary>A string-to-string map (labels, selectors, compose environment).</summary>
    public static Dictionary<string, string> Strings(this object? node, string path) =>
        node.Map(path).ToDictionary(e => (string)e.Key, e => e.Value as string ?? "", StringComparer.Ordinal);
}
