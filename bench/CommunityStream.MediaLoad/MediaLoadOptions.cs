using System.Globalization;
using System.Net;

namespace CommunityStream.MediaLoad;

/// <summary>Command-line options of the media load generator; <see cref="Usage"/> documents each one.</summary>
internal sealed class MediaLoadOptions
{
    public Uri Server { get; set; } = new("http://127.0.0.1:8080/");

    public string Channel { get; set; } = "";

    public string? StreamKey { get; set; }

    public string? ViewerToken { get; set; }

    public bool Publish { get; set; } = true;

    public int Viewers { get; set; } = 10;

    public double RampRate { get; set; } = 50;

    public int ConnectConcurrency { get; set; } = 16;

    public int DtlsConcurrency { get; set; } = 8;

    public double ConnectTimeout { get; set; } = 15;

    public double Duration { get; set; } = 30;

    public double Warmup { get; set; } = 2;

    public int VerifySample { get; set; } = 5;

    public int Bitrate { get; set; } = 2_500_000;

    public int PacketSize { get; set; } = 1200;

    public int FrameRate { get; set; } = 30;

    public double KeyframeInterval { get; set; } = 2;

    public IPAddress LocalAddress { get; set; } = IPAddress.Loopback;

    public int? ServerPid { get; set; }

    /// <summary>Sweep interval of the shared receive poller for count-only viewers; 0 gives every viewer its own async loop.</summary>
    public double PollIntervalMs { get; set; } = 10;

    /// <summary>Count-only viewers take the server's UDP GSO messages whole and the poller cuts them (UDP_GRO).</summary>
    public bool Gro { get; set; }

    public string? Json { get; set; }

    public bool Help { get; set; }

    public const string Usage = """
        CommunityStream.MediaLoad: WHIP publisher + WHEP viewers over our own ICE/DTLS/SRTP (loopback only).
          --server http://127.0.0.1:8080   Host base URL (must be a loopback address)
          --channel NAME                   channel to publish to and watch (required)
          --stream-key KEY                 WHIP bearer token (required unless --no-publisher)
          --no-publisher                   flag: only viewers (someone else publishes)
          --viewer-token JWT               bearer token for WHEP, if the channel needs one
          --viewers N                      synthetic viewers (default 10; one socket each, ≤ ~19,000 per process)
          --ramp-rate R                    viewers started per second (default 50)
          --connect-concurrency K          viewer connects in flight (default 16)
          --dtls-concurrency D             DTLS handshakes running at once (default 8)
          --connect-timeout S              per-viewer ICE+DTLS bound (default 15)
          --duration S                     hard bound of the whole run in seconds (default 30); a watchdog exits regardless
          --warmup S                       after the ramp, seconds before the measurement window opens (default 2)
          --verify-sample N                viewers that SRTP-unprotect every packet and measure delay (default 5)
          --bitrate BPS                    publisher video bitrate, e.g. 2500000 or 2.5M (default 2.5M)
          --packet-size B                  RTP video packet size (default 1200)
          --frame-rate F                   video frames per second (default 30)
          --keyframe-interval S            seconds between keyframes (default 2; PLI/FIR also trigger one)
          --local-address 127.0.0.1        address the client sockets bind to (loopback)
          --poll-interval MS               count-only viewers are read by one thread sweeping their sockets with
                                           recvmmsg every MS ms (default 10; Linux); 0: an async loop per viewer
          --gro                            flag: polled sockets take the server's UDP GSO messages whole (UDP_GRO) and
                                           the poller cuts them, so the server's core does not run the viewers' receive
                                           segmentation (on loopback it does; over a network the viewers do)
          --server-pid PID                 sample this process's CPU (utime+stime) and VmRSS
          --json FILE                      write every figure as JSON
          --help                           flag: this text
        """;

    public static MediaLoadOptions Parse(IReadOnlyList<string> args)
    {
        var options = new MediaLoadOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            switch (name)
            {
                case "--help" or "-h": options.Help = true; continue;
                case "--no-publisher": options.Publish = false; continue;
                case "--gro": options.Gro = true; continue;
            }
            if (i + 1 >= args.Count)
            {
                throw new ArgumentException($"{name} needs a value");
            }
            var value = args[++i];
            switch (name)
            {
                case "--server": options.Server = new Uri(value.EndsWith('/') ? value : value + "/"); break;
                case "--channel": options.Channel = value; break;
                case "--stream-key": options.StreamKey = value; break;
                case "--viewer-token": options.ViewerToken = value; break;
                case "--viewers": options.Viewers = Int(name, value, 0, 19_000); break;
                case "--ramp-rate": options.RampRate = Double(name, value, 0.1, 100_000); break;
                case "--connect-concurrency": options.ConnectConcurrency = Int(name, value, 1, 1000); break;
                case "--dtls-concurrency": options.DtlsConcurrency = Int(name, value, 1, 256); break;
                case "--connect-timeout": options.ConnectTimeout = Double(name, value, 1, 300); break;
                case "--duration": options.Duration = Double(name, value, 1, 86_400); break;
                case "--warmup": options.Warmup = Double(name, value, 0, 3600); break;
                case "--verify-sample": options.VerifySample = Int(name, value, 0, 19_000); break;
                case "--bitrate": options.Bitrate = ParseBitrate(name, value); break;
                case "--packet-size": options.PacketSize = Int(name, value, 200, 1400); break;
                case "--frame-rate": options.FrameRate = Int(name, value, 1, 120); break;
                case "--keyframe-interval": options.KeyframeInterval = Double(name, value, 0.1, 3600); break;
                case "--local-address": options.LocalAddress = IPAddress.Parse(value); break;
                case "--server-pid": options.ServerPid = Int(name, value, 1, int.MaxValue); break;
                case "--poll-interval": options.PollIntervalMs = Double(name, value, 0, 1000); break;
                case "--json": options.Json = value; break;
                default: throw new ArgumentException($"unknown option {name}");
            }
        }
        if (options.Help)
        {
            return options;
        }
        if (options.Channel.Length == 0)
        {
            throw new ArgumentException("--channel is required");
        }
        if (options.Publish && string.IsNullOrEmpty(options.StreamKey))
        {
            throw new ArgumentException("--stream-key is required (or --no-publisher)");
        }
        // Load stays on this machine: the generator refuses anything but loopback.
        if (!IsLoopback(options.Server.Host) || !IPAddress.IsLoopback(options.LocalAddress))
        {
            throw new ArgumentException("--server and --local-address must be loopback addresses");
        }
        return options;
    }

    internal static bool IsLoopback(string host) =>
        host == "localhost" || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    private static int Int(string name, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new ArgumentException($"{name} must be an integer in {min}..{max}");

    private static double Double(string name, string value, double min, double max) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d >= min && d <= max
            ? d
            : throw new ArgumentException($"{name} must be a number in {min}..{max}");

    // 2500000, 2500k, 2.5M
    internal static int ParseBitrate(string name, string value)
    {
        var multiplier = value.EndsWith('M') || value.EndsWith('m') ? 1_000_000 : value.EndsWith('k') || value.EndsWith('K') ? 1_000 : 1;
        var digits = multiplier == 1 ? value : value[..^1];
        var bps = Double(name, digits, 1, 1e9) * multiplier;
        return bps is >= 10_000 and <= 100_000_000 ? (int)bps : throw new ArgumentException($"{name} must be 10k..100M bit/s");
    }
}
