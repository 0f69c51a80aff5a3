namespace CommunityStream.HlsLoad;

/// <summary>
/// One simulated client's counts and samples (one writer: its own loop). Delays are kept only inside the measured
/// window; the per-part arrivals feed the fan-out spread (each part's arrival at this client minus its earliest
/// arrival at any client).
/// </summary>
internal sealed class ClientTally
{
    public long Reloads;
    public long EmptyReloads;
    public long Parts;
    public long PartBytes;
    public long PlaylistBytes;
    public readonly Dictionary<string, long> Errors = new(StringComparer.Ordinal);
    public readonly List<double> ReadyDelaysMs = [];
    public bool ReadyFromHeader;
    public readonly List<(long Msn, int Index, long ArrivalTicks)> Arrivals = [];

    /// <summary>Every part a reload inside the window listed anew (awaited or not: a client that lags gets several).</summary>
    public readonly HashSet<(long Msn, int Index)> SeenParts = [];

    public void Error(string kind) => Errors[kind] = Errors.GetValueOrDefault(kind) + 1;
}
