using System.Globalization;

namespace CommunityStream.HlsLoad;

/// <summary>Command-line options of the LL-HLS load generator; <see cref="Usage"/> documents each one.</summary>
internal sealed class HlsLoadOptions
{
    public const int MaxClients = 18_000;
    public const double MaxDuration = 600;

    public Uri Url { get; set; } = new("http://127.0.0.1:8080/hls/channel/index.m3u8");

    public int Clients { get; set; } = 2000;

    public double Duration { get; set; } = 30;

    public double Ramp { get; set; } = 5;

    public bool FetchParts { get; set; } = true;

    public IReadOnlyList<int> ServerPids { get; set; } = [];

    public double BaselineCpuPercent { get; set; }

    public string ReadyHeader { get; set; } = "X-Part-Ready";

    public string? OriginLog { get; set; }

    public string? Json { get; set; }

    public string Label { get; set; } = "direct";

    public bool Help { get; set; }

    public const string Usage = """
        CommunityStream.HlsLoad: N simulated LL-HLS clients against one media playlist, each doing blocking playlist
        reloads (_HLS_msn/_HLS_part for the part after the last one listed) and fetching every new part, over HTTP/1.1
        keep-alive (one connection per client). Bounded: at most 18000 clients and 600 s.
          --url URL              media playlist (default http://127.0.0.1:8080/hls/channel/index.m3u8)
          --clients N            simulated clients (default 2000)
          --duration S           measured seconds after the ramp (default 30)
          --ramp S               clients start spread over this many seconds, not measured (default 5)
          --no-parts             reload playlists only, fetch no parts
          --server-pid PID[,PID] processes whose CPU (utime+stime from /proc/PID/stat) is measured over the window
          --baseline-cpu-percent P  the server's CPU with the publisher and no clients, subtracted for "per 100 clients"
          --ready-header NAME    response header with the time (Unix ms) the awaited part was completed (default X-Part-Ready);
                                 without it the part's end from EXT-X-PROGRAM-DATE-TIME is used
          --origin-log FILE      nginx access log (format hlsload: "$msec $upstream_cache_status $request_uri $upstream_addr")
                                 to count origin requests per part over the window
          --label TEXT           names the run in the output (default direct)
          --json FILE            write the result as JSON
        publish --server URL --channel NAME --stream-key KEY --duration S
                                 go live from headless Chromium (fake camera and microphone) with H.264 forced, for S seconds
        """;

    public static HlsLoadOptions Parse(IReadOnlyList<string> args)
    {
        var o = new HlsLoadOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value");
            switch (name)
            {
                case "--url": o.Url = new Uri(Value()); break;
                case "--clients": o.Clients = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--duration": o.Duration = double.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--ramp": o.Ramp = double.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--no-parts": o.FetchParts = false; break;
                case "--server-pid": o.ServerPids = [.. Value().Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture))]; break;
                case "--baseline-cpu-percent": o.BaselineCpuPercent = double.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--ready-header": o.ReadyHeader = Value(); break;
                case "--origin-log": o.OriginLog = Value(); break;
                case "--label": o.Label = Value(); break;
                case "--json": o.Json = Value(); break;
                case "--help" or "-h": o.Help = true; break;
                default: throw new ArgumentException($"unknown option {name}");
            }
        }
        if (o.Clients is < 0 or > MaxClients)
        {
            throw new ArgumentException($"--clients must be 0..{MaxClients} (one process holds at most 20,000 file descriptors)");
        }
        if (o.Duration is <= 0 or > MaxDuration || o.Ramp is < 0 or > MaxDuration)
        {
            throw new ArgumentException($"--duration must be in (0, {MaxDuration}] and --ramp in [0, {MaxDuration}]");
        }
        if (o.Url.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException("--url must be http or https");
        }
        return o;
    }
}
