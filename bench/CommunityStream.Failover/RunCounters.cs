using System.Collections.Concurrent;

namespace CommunityStream.Failover;

/// <summary>Counters shared by every client of the run (thread-safe).</summary>
internal sealed class RunCounters
{
    public ConcurrentDictionary<string, int> CloseCodes { get; } = new();

    public ConcurrentDictionary<string, int> Errors { get; } = new();

    public ConcurrentDictionary<string, int> ConnectFailures { get; } = new();

    private long _memberGapMessages;
    private long _unrecoveredJoins;
    private long _epochChanges;
    private long _resends;
    private long _notGenerated;

    public long MemberGapMessages => Interlocked.Read(ref _memberGapMessages);

    public long UnrecoveredJoins => Interlocked.Read(ref _unrecoveredJoins);

    public long EpochChanges => Interlocked.Read(ref _epochChanges);

    public long Resends => Interlocked.Read(ref _resends);

    public long NotGenerated => Interlocked.Read(ref _notGenerated);

    public static void Count(ConcurrentDictionary<string, int> counts, string key) => counts.AddOrUpdate(key, 1, (_, n) => n + 1);

    public void MemberGap(long messages) => Interlocked.Add(ref _memberGapMessages, messages);

    public void UnrecoveredJoin() => Interlocked.Increment(ref _unrecoveredJoins);

    public void EpochChanged() => Interlocked.Increment(ref _epochChanges);

    public void Resent() => Interlocked.Increment(ref _resends);

    public void SkippedGeneration() => Interlocked.Increment(ref _notGenerated);
}
