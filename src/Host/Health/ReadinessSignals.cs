namespace CommunityStream.Host.Health;

/// <summary>
/// Where <see cref="ReadinessProbeActor"/> leaves its latest verdicts for the health checks: a probe request reads
/// them without waiting on the journal or the coordinators.
/// </summary>
internal sealed class ReadinessSignals
{
    private ProbeVerdict _shardRegions = ProbeVerdict.NotProbedYet;
    private ProbeVerdict _journal = ProbeVerdict.NotProbedYet;

    public ProbeVerdict ShardRegions
    {
        get => Volatile.Read(ref _shardRegions);
        set => Volatile.Write(ref _shardRegions, value);
    }

    public ProbeVerdict Journal
    {
        get => Volatile.Read(ref _journal);
        set => Volatile.Write(ref _journal, value);
    }
}
