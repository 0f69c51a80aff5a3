using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CommunityStream.Host.Storage.Journal;

/// <summary>
/// The dedicated journal's instruments on the process-wide <see cref="MeterName"/> meter (the plugin is made by Akka,
/// not by the container). Recorded once per write and per transaction, and only while something listens.
/// </summary>
internal static class JournalMetrics
{
    public const string MeterName = "CommunityStream.Journal";

    private static readonly double[] Buckets = [0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

    private static readonly Meter Meter = new(MeterName);

    private static readonly Histogram<double> Queued = Meter.CreateHistogram("communitystream.journal.queue.duration", "s",
        "From a write's arrival at the journal writer to the start of the transaction that holds it.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = Buckets });

    private static readonly Histogram<double> Transaction = Meter.CreateHistogram("communitystream.journal.transaction.duration", "s",
        "One journal transaction, from its start to its commit (or failure).",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = Buckets });

    private static readonly Histogram<long> Batch = Meter.CreateHistogram<long>("communitystream.journal.transaction.writes", "{write}",
        "Atomic writes committed together in one transaction (group commit).",
        advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256] });

    /// <summary>A transaction that failed, timed too (its writes are retried alone or failed, not counted as a batch).</summary>
    public static void Failed(long begun)
    {
        if (Transaction.Enabled)
        {
            Transaction.Record(Stopwatch.GetElapsedTime(begun).TotalSeconds, new KeyValuePair<string, object?>("outcome", "failed"));
        }
    }

    public static void Committed(IReadOnlyList<SqliteJournalWriter.Operation> operations, long begun)
    {
        if (Transaction.Enabled)
        {
            Transaction.Record(Stopwatch.GetElapsedTime(begun).TotalSeconds, new KeyValuePair<string, object?>("outcome", "committed"));
        }
        Batch.Record(operations.Count);
        if (Queued.Enabled)
        {
            foreach (var operation in operations)
            {
                Queued.Record(Stopwatch.GetElapsedTime(operation.QueuedAt, begun).TotalSeconds);
            }
        }
    }
}
