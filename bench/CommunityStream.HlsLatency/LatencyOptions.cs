using System.Globalization;

namespace CommunityStream.HlsLatency;

/// <summary>Command-line options of the glass-to-glass latency bench; <see cref="Usage"/> documents each one.</summary>
internal sealed class LatencyOptions
{
    public const double MaxSeconds = 600;

    public Uri Server { get; set; } = new("http://127.0.0.1:8098/");

    public string Channel { get; set; } = "";

    public string StreamKey { get; set; } = "";

    public double Duration { get; set; } = 60;

    public double Warmup { get; set; } = 15;

    public string? Json { get; set; }

    public bool Help { get; set; }

    public const string Usage = """
        CommunityStream.HlsLatency: glass-to-glass latency by on-frame timecode. One headless Chromium: a publisher
        page draws Date.now() as a block pattern on a canvas, captures it at 30 fps and goes live over WHIP as H.264;
        two viewer pages play the channel with the web app's player modules, one over LL-HLS (HlsPlayer, PART-HOLD-BACK
        behind live) and one over WebRTC (WhepPlayer) for reference, and on every presented frame record
        Date.now() minus the decoded timecode. Bounded: at most 600 s of warm-up and 600 s measured.
          --server URL        the Host (default http://127.0.0.1:8098/)
          --channel NAME      a channel with the streamer role       --stream-key KEY   its stream key
          --duration S        measured seconds (default 60)           --warmup S         seconds before measuring (default 15)
          --json FILE         write the result as JSON
        """;

    public static LatencyOptions Parse(IReadOnlyList<string> args)
    {
        var o = new LatencyOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value");
            switch (name)
            {
                case "--server": o.Server = new Uri(Value()); break;
                case "--channel": o.Channel = Value(); break;
                case "--stream-key": o.StreamKey = Value(); break;
                case "--duration": o.Duration = double.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--warmup": o.Warmup = double.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--json": o.Json = Value(); break;
                case "--help" or "-h": o.Help = true; break;
                default: throw new ArgumentException($"unknown option {name}");
            }
        }
        if (!o.Help && (o.Channel.Length == 0 || o.StreamKey.Length == 0))
        {
            throw new ArgumentException("--channel and --stream-key are required");
        }
        if (o.Duration is <= 0 or > MaxSeconds || o.Warmup is < 0 or > MaxSeconds)
        {
            throw new ArgumentException($"--duration must be in (0, {MaxSeconds}] and --warmup in [0, {MaxSeconds}]");
        }
        return o;
    }
}
