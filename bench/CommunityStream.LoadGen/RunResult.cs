using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CommunityStream.LoadGen;

/// <summary>The machine-readable result of a run (one process, or merged from child processes).</summary>
internal sealed class RunResult
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string Scenario { get; set; } = "";

    public string Clock { get; set; } = "";

    public int Processes { get; set; } = 1;

    public long ConnectionsAttempted { get; set; }

    public long ConnectionsOpened { get; set; }

    public long ConnectionsHeld { get; set; }

    public long ConnectionsFailed { get; set; }

    public long Joined { get; set; }

    public Dictionary<string, long> FailureReasons { get; set; } = [];

    public Dictionary<string, long> CloseCodes { get; set; } = [];

    public Dictionary<string, long> ErrorCodes { get; set; } = [];

    public double PublishSeconds { get; set; }

    public long MessagesPublished { get; set; }

    public long Acks { get; set; }

    /// <summary>Acks with <c>duplicate: true</c>: the server took the send for a resend and posted nothing.</summary>
    public long DuplicateAcks { get; set; }

    public long Deliveries { get; set; }

    public long ExpectedDeliveries { get; set; }

    public double DeliveriesPerSecond { get; set; }

    public long UnstampedMessages { get; set; }

    /// <summary>Deliveries of messages sent during the warm-up: counted and checked, not in the latency figures.</summary>
    public long WarmupDeliveries { get; set; }

    public long BadFrames { get; set; }

    public LatencySummary Latency { get; set; } = new();

    public HistogramSnapshot? LatencyHistogram { get; set; }

    /// <summary>With <c>--first-window S</c>: latency of the messages sent in the first S seconds of publishing (warm-up included).</summary>
    public LatencySummary? LatencyFirstWindow { get; set; }

    public HistogramSnapshot? LatencyFirstWindowHistogram { get; set; }

    public SequenceSummary PublisherSequences { get; set; } = new();

    public SequenceSummary RoomOffsets { get; set; } = new();

    public long[] PublishedPerRoom { get; set; } = [];

    public long[] JoinedPerRoom { get; set; } = [];

    public long[] MaxAckedOffsetPerRoom { get; set; } = [];

    /// <summary>Per room, the sum over joined receivers of the last offset each saw (its join offset if none).</summary>
    public long[] LastOffsetSumPerRoom { get; set; } = [];

    /// <summary>
    /// Acknowledged messages that joined receivers had not received when the run closed, after the drain:
    /// Σ rooms (joined × highest acked offset − Σ last offset seen). Catches receivers that got nothing at
    /// all, which sequence gaps cannot.
    /// </summary>
    public long UndeliveredAtEnd { get; set; }

    /// <summary>Joined receivers that got no stamped message although their room had acknowledged ones (rooms whose publisher is in the same process).</summary>
    public long SilentReceivers { get; set; }

    public ServerFigures? Server { get; set; }

    /// <summary>The server's own stage histograms over the measured window (<c>--server-metrics</c>), by metric name.</summary>
    public Dictionary<string, StageFigures>? ServerStages { get; set; }

    public GeneratorFigures Generator { get; set; } = new();

    /// <summary>Recomputes derived figures (latency percentiles, expected deliveries, rate) from the raw ones.</summary>
    public void Finish(LogLinearHistogram latency, LogLinearHistogram? firstWindow = null)
    {
        LatencyHistogram = latency.ToSnapshot();
        Latency = LatencySummary.Of(latency);
        LatencyFirstWindowHistogram = firstWindow?.ToSnapshot();
        LatencyFirstWindow = firstWindow is null ? null : LatencySummary.Of(firstWindow);
        ExpectedDeliveries = 0;
        for (var r = 0; r < PublishedPerRoom.Length && r < JoinedPerRoom.Length; r++)
        {
            ExpectedDeliveries += PublishedPerRoom[r] * JoinedPerRoom[r];
        }

        UndeliveredAtEnd = 0;
        for (var r = 0; r < MaxAckedOffsetPerRoom.Length && r < JoinedPerRoom.Length && r < LastOffsetSumPerRoom.Length; r++)
        {
            if (MaxAckedOffsetPerRoom[r] > 0)
            {
                UndeliveredAtEnd += Math.Max(0, (JoinedPerRoom[r] * MaxAckedOffsetPerRoom[r]) - LastOffsetSumPerRoom[r]);
            }
        }

        DeliveriesPerSecond = PublishSeconds > 0 ? Math.Round(Deliveries / PublishSeconds, 1) : 0;
    }

    /// <summary>Sums the results of child processes; histograms are merged bucket by bucket.</summary>
    public static RunResult Merge(IReadOnlyList<RunResult> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var merged = new RunResult { Processes = parts.Sum(p => p.Processes) };
        var latency = new LogLinearHistogram();
        LogLinearHistogram? firstWindow = null;
        foreach (var part in parts)
        {
            merged.Scenario = part.Scenario;
            merged.Clock = part.Clock;
            merged.ConnectionsAttempted += part.ConnectionsAttempted;
            merged.ConnectionsOpened += part.ConnectionsOpened;
            merged.ConnectionsHeld += part.ConnectionsHeld;
            merged.ConnectionsFailed += part.ConnectionsFailed;
            merged.Joined += part.Joined;
            Add(merged.FailureReasons, part.FailureReasons);
            Add(merged.CloseCodes, part.CloseCodes);
            Add(merged.ErrorCodes, part.ErrorCodes);
            merged.PublishSeconds = Math.Max(merged.PublishSeconds, part.PublishSeconds);
            merged.MessagesPublished += part.MessagesPublished;
            merged.Acks += part.Acks;
            merged.DuplicateAcks += part.DuplicateAcks;
            merged.Deliveries += part.Deliveries;
            merged.UnstampedMessages += part.UnstampedMessages;
            merged.SilentReceivers += part.SilentReceivers;
            merged.WarmupDeliveries += part.WarmupDeliveries;
            merged.BadFrames += part.BadFrames;
            merged.PublisherSequences = merged.PublisherSequences.Plus(part.PublisherSequences);
            merged.RoomOffsets = merged.RoomOffsets.Plus(part.RoomOffsets);
            merged.PublishedPerRoom = Sum(merged.PublishedPerRoom, part.PublishedPerRoom);
            merged.JoinedPerRoom = Sum(merged.JoinedPerRoom, part.JoinedPerRoom);
            merged.LastOffsetSumPerRoom = Sum(merged.LastOffsetSumPerRoom, part.LastOffsetSumPerRoom);
            merged.MaxAckedOffsetPerRoom = Max(merged.MaxAckedOffsetPerRoom, part.MaxAckedOffsetPerRoom);
            merged.Generator = merged.Generator.Plus(part.Generator);
            merged.Server = ServerFigures.Plus(merged.Server, part.Server);
            if (part.LatencyHistogram is not null)
            {
                latency.Merge(LogLinearHistogram.FromSnapshot(part.LatencyHistogram));
            }

            if (part.LatencyFirstWindowHistogram is not null)
            {
                firstWindow ??= new LogLinearHistogram();
                firstWindow.Merge(LogLinearHistogram.FromSnapshot(part.LatencyFirstWindowHistogram));
            }
        }

        merged.Finish(latency, firstWindow);
        if (merged.Server is { } server)
        {
            server.RssBytesPerConnection = merged.ConnectionsHeld > 0 ? Math.Round((server.RssHeldKiB - server.RssBaselineKiB) * 1024.0 / merged.ConnectionsHeld) : 0;
        }

        return merged;
    }

    private static void Add(Dictionary<string, long> into, Dictionary<string, long> from)
    {
        foreach (var (key, value) in from)
        {
            into[key] = into.GetValueOrDefault(key) + value;
        }
    }

    private static long[] Sum(long[] a, long[] b)
    {
        var sum = new long[Math.Max(a.Length, b.Length)];
        for (var i = 0; i < sum.Length; i++)
        {
            sum[i] = (i < a.Length ? a[i] : 0) + (i < b.Length ? b[i] : 0);
        }

        return sum;
    }

    private static long[] Max(long[] a, long[] b)
    {
        var max = new long[Math.Max(a.Length, b.Length)];
        for (var i = 0; i < max.Length; i++)
        {
            max[i] = Math.Max(i < a.Length ? a[i] : 0, i < b.Length ? b[i] : 0);
        }

        return max;
    }

    public string ToTable()
    {
        var ci = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        void Row(string name, string value) => text.Append(ci, $"  {name,-34} {value}\n");
        static string Map(Dictionary<string, long> map) =>
            map.Count == 0 ? "-" : string.Join(", ", map.OrderByDescending(p => p.Value).Select(p => $"{p.Key}={p.Value}"));

        text.Append(ci, $"== {Scenario} ({Processes} process(es), clock {Clock}) ==\n");
        Row("connections attempted/opened/held", $"{ConnectionsAttempted} / {ConnectionsOpened} / {ConnectionsHeld}");
        Row("connections failed", $"{ConnectionsFailed} ({Map(FailureReasons)})");
        Row("joined", Joined.ToString(ci));
        Row("ends (close codes / reasons)", Map(CloseCodes));
        Row("error frames", Map(ErrorCodes));
        if (Server is { } s)
        {
            Row("server RSS baseline/held/peak KiB", $"{s.RssBaselineKiB} / {s.RssHeldKiB} / {s.RssPeakKiB}");
            Row("server bytes per held connection", s.RssBytesPerConnection.ToString("F0", ci));
            Row("server CPU seconds", s.CpuSeconds.ToString("F2", ci));
        }

        Row("generator CPU s / peak RSS KiB", $"{Generator.CpuSeconds.ToString("F2", ci)} / {Generator.PeakRssKiB}");
        Row("publish window s", PublishSeconds.ToString("F1", ci));
        Row("messages published / acked (dup)", $"{MessagesPublished} / {Acks} ({DuplicateAcks})");
        Row("deliveries / expected", $"{Deliveries} / {ExpectedDeliveries}");
        Row("acked but undelivered at end", $"{UndeliveredAtEnd} (receivers that got nothing: {SilentReceivers})");
        Row("deliveries per second", DeliveriesPerSecond.ToString("F0", ci));
        Row("latency µs p50/p99/p99.9/max", $"{Latency.P50} / {Latency.P99} / {Latency.P999} / {Latency.Max} ({Latency.Count} after warm-up)");
        foreach (var (name, stage) in ServerStages ?? [])
        {
            Row(name.Replace("communitystream_", "", StringComparison.Ordinal), $"p50 {stage.P50} p90 {stage.P90} p99 {stage.P99} mean {stage.Mean} {stage.Unit} ({stage.Count})");
        }
        if (LatencyFirstWindow is { } first)
        {
            Row("first window: latency µs p50/p99/max", $"{first.P50} / {first.P99} / {first.Max} ({first.Count})");
        }

        Row("publisher seq gaps/dups/reorders", PublisherSequences.ToString());
        Row("room offset gaps/dups/reorders", RoomOffsets.ToString());
        return text.ToString();
    }
}

/// <summary>Delivery latency percentiles in microseconds, from the merged histogram.</summary>
internal sealed class LatencySummary
{
    public long Count { get; set; }

    public long P50 { get; set; }

    public long P90 { get; set; }

    public long P99 { get; set; }

    public long P999 { get; set; }

    public long Max { get; set; }

    public static LatencySummary Of(LogLinearHistogram h) => new()
    {
        Count = h.Count,
        P50 = h.ValueAtPercentile(50),
        P90 = h.ValueAtPercentile(90),
        P99 = h.ValueAtPercentile(99),
        P999 = h.ValueAtPercentile(99.9),
        Max = h.Max,
    };
}

/// <summary>Totals over receivers: missing numbers, repeats, late arrivals, and receivers that saw any gap.</summary>
internal sealed record SequenceSummary(long Gaps = 0, long Duplicates = 0, long Reorders = 0, long ReceiversWithGaps = 0)
{
    public SequenceSummary Plus(SequenceSummary o) =>
        new(Gaps + o.Gaps, Duplicates + o.Duplicates, Reorders + o.Reorders, ReceiversWithGaps + o.ReceiversWithGaps);

    public override string ToString() => $"{Gaps} / {Duplicates} / {Reorders} (receivers with gaps: {ReceiversWithGaps})";
}

/// <summary>Server figures: RSS before connecting, while holding, peak; CPU seconds over the run.</summary>
internal sealed class ServerFigures
{
    public int[] Pids { get; set; } = [];

    public long RssBaselineKiB { get; set; }

    public long RssHeldKiB { get; set; }

    public long RssPeakKiB { get; set; }

    public double RssBytesPerConnection { get; set; }

    public double CpuSeconds { get; set; }

    /// <summary>Figures of separate servers (e.g. cluster nodes measured by separate generators) added up.</summary>
    public static ServerFigures? Plus(ServerFigures? a, ServerFigures? b) => a is null ? b : b is null ? a : new ServerFigures
    {
        Pids = [.. a.Pids, .. b.Pids],
        RssBaselineKiB = a.RssBaselineKiB + b.RssBaselineKiB,
        RssHeldKiB = a.RssHeldKiB + b.RssHeldKiB,
        RssPeakKiB = a.RssPeakKiB + b.RssPeakKiB,
        CpuSeconds = a.CpuSeconds + b.CpuSeconds,
    };
}

/// <summary>The generator's own cost (summed over processes).</summary>
internal sealed record GeneratorFigures(double CpuSeconds = 0, long PeakRssKiB = 0)
{
    public GeneratorFigures Plus(GeneratorFigures o) => new(CpuSeconds + o.CpuSeconds, PeakRssKiB + o.PeakRssKiB);
}
