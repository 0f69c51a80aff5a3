using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CommunityStream.MediaLoad;

/// <summary>Every figure of one run, as printed and as written with <c>--json</c>.</summary>
internal sealed class MediaLoadResult
{
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string Scenario { get; set; } = "";

    public DateTimeOffset StartedAt { get; set; }

    public string? PublisherFailure { get; set; }

    public int ViewersRequested { get; set; }

    public int ViewersStarted { get; set; }

    public int ViewersConnected { get; set; }

    /// <summary>Connected and still receiving in the last 2 s of the window.</summary>
    public int ViewersHeld { get; set; }

    public SortedDictionary<string, int> ViewerFailures { get; set; } = [];

    public double RampSeconds { get; set; }

    public double ConnectP50Ms { get; set; }

    public double ConnectMaxMs { get; set; }

    public double WindowSeconds { get; set; }

    public double PublisherPacketsPerSecond { get; set; }

    public double PublisherBitsPerSecond { get; set; }

    public double ViewerPacketsPerSecond { get; set; }

    public double ViewerBitsPerSecond { get; set; }

    /// <summary>Viewer packets per second over publisher packets per second times viewers held (1.0 = everything forwarded).</summary>
    public double ForwardedFraction { get; set; }

    public long PublisherPackets { get; set; }

    public long PublisherSkippedPackets { get; set; }

    public long PublisherPli { get; set; }

    public long PublisherFir { get; set; }

    public long PublisherNack { get; set; }

    public long PublisherKeyframes { get; set; }

    public long ViewerPackets { get; set; }

    public long ViewerLost { get; set; }

    public double ViewerLossFraction { get; set; }

    /// <summary>Sequence gaps inside the measurement window only (the whole-run figure includes ramp and warm-up).</summary>
    public long WindowLost { get; set; }

    public double WindowLossFraction { get; set; }

    public long ViewerReordered { get; set; }

    public long ViewerDuplicates { get; set; }

    public long ViewerTooOld { get; set; }

    public long ViewerSilent { get; set; }

    public long VerifiedViewers { get; set; }

    public long VerifiedPackets { get; set; }

    public long AuthFailures { get; set; }

    public long KeyframesSeenByVerified { get; set; }

    public long ConsentResponses { get; set; }

    /// <summary>Publisher send to a verifying viewer reading the packet.</summary>
    public DelayFigures Delay { get; set; } = DelayFigures.None;

    /// <summary>Publisher send to arrival in a verifying viewer's socket (kernel timestamp): the generator's own lateness left out.</summary>
    public DelayFigures SocketDelay { get; set; } = DelayFigures.None;

    public double? ServerCpuSecondsPerSecond { get; set; }

    public double? ServerCpuPer100Viewers { get; set; }

    public long? ServerRssStartKiB { get; set; }

    public long? ServerRssPeakKiB { get; set; }

    public double GeneratorCpuSecondsPerSecond { get; set; }

    public long GeneratorRssKiB { get; set; }

    /// <summary>How count-only viewers were read: "async loop per viewer" or the poller's interval and batching.</summary>
    public string ReceivePath { get; set; } = "async loop per viewer";

    /// <summary>Datagrams the poller cut out of UDP_GRO messages (--gro).</summary>
    public long ReceiveCoalesced { get; set; }

    public SortedDictionary<string, long> DeleteOutcomes { get; set; } = [];

    public string ToTable()
    {
        var text = new StringBuilder();
        void Row(string name, string value) => text.Append(CultureInfo.InvariantCulture, $"{name,-34} {value}\n");
        string F(double value, string format = "0.##") => value.ToString(format, CultureInfo.InvariantCulture);
        Row("scenario", Scenario);
        if (PublisherFailure is not null)
        {
            Row("publisher FAILED", PublisherFailure);
        }
        Row("viewers requested/started/connected", $"{ViewersRequested} / {ViewersStarted} / {ViewersConnected}");
        Row("viewers held (receiving at end)", $"{ViewersHeld}");
        Row("viewer failures", ViewerFailures.Count == 0 ? "none" : string.Join(", ", ViewerFailures.Select(f => $"{f.Key}={f.Value}")));
        Row("ramp / connect p50 / max", $"{F(RampSeconds)} s / {F(ConnectP50Ms, "0")} ms / {F(ConnectMaxMs, "0")} ms");
        Row("measurement window", $"{F(WindowSeconds)} s");
        Row("publisher in", $"{F(PublisherPacketsPerSecond, "0")} pkt/s, {F(PublisherBitsPerSecond / 1e6)} Mbit/s (PLI {PublisherPli}, FIR {PublisherFir}, NACK {PublisherNack}, keyframes {PublisherKeyframes}, skipped {PublisherSkippedPackets})");
        Row("viewers out (sum)", $"{F(ViewerPacketsPerSecond, "0")} pkt/s, {F(ViewerBitsPerSecond / 1e6)} Mbit/s ({F(ForwardedFraction * 100, "0.0")} % of in × held)");
        Row("loss in window", $"{WindowLost} ({F(WindowLossFraction * 100, "0.###")} %)");
        Row("whole run: loss / reorder / dup / too old", $"{ViewerLost} ({F(ViewerLossFraction * 100, "0.###")} %) / {ViewerReordered} / {ViewerDuplicates} / {ViewerTooOld} of {ViewerPackets} packets; silent viewers {ViewerSilent}");
        Row("verified viewers", $"{VerifiedViewers}: {VerifiedPackets} packets unprotected, {AuthFailures} auth failures, {KeyframesSeenByVerified} keyframes");
        Row("forwarding delay p50/p90/p99/p99.9/max", Delay.Format("send → read"));
        Row("  to the viewer's socket", SocketDelay.Format("send → kernel arrival"));
        Row("consent responses", $"{ConsentResponses}");
        if (ServerCpuSecondsPerSecond is { } cpu)
        {
            Row("server CPU", $"{F(cpu, "0.###")} s/s, {F(ServerCpuPer100Viewers ?? 0, "0.###")} s/s per 100 viewers; RSS {ServerRssStartKiB / 1024} → peak {ServerRssPeakKiB / 1024} MiB");
        }
        Row("generator receive path", ReceivePath);
        Row("generator CPU / RSS", $"{F(GeneratorCpuSecondsPerSecond, "0.###")} s/s / {GeneratorRssKiB / 1024} MiB");
        Row("DELETE outcomes", DeleteOutcomes.Count == 0 ? "none" : string.Join(", ", DeleteOutcomes.Select(d => $"{d.Key}={d.Value}")));
        return text.ToString();
    }

}
