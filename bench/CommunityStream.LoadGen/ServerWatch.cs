namespace CommunityStream.LoadGen;

/// <summary>
/// Samples the server processes once a second during a run: baseline at start, peak RSS, and the
/// figures while the connections are held (RSS delta per held connection, CPU seconds used).
/// </summary>
internal sealed class ServerWatch : IDisposable
{
    private readonly IReadOnlyList<int> _pids;
    private readonly ServerSample _baseline;
    private readonly Timer _timer;
    private long _peak;

    public ServerWatch(IReadOnlyList<int> pids)
    {
        _pids = pids;
        _baseline = ServerSampler.Sample(pids);
        _peak = _baseline.RssKiB;
        _timer = new Timer(_ => Tick(), null, 1000, 1000);
    }

    private void Tick()
    {
        var sample = ServerSampler.Sample(_pids);
        long peak;
        do
        {
            peak = Interlocked.Read(ref _peak);
        }
        while (sample.RssKiB > peak && Interlocked.CompareExchange(ref _peak, sample.RssKiB, peak) != peak);
    }

    public ServerFigures Finish(long heldConnections)
    {
        _timer.Dispose();
        Tick();
        var now = ServerSampler.Sample(_pids);
        return new ServerFigures
        {
            Pids = [.. _pids],
            RssBaselineKiB = _baseline.RssKiB,
            RssHeldKiB = now.RssKiB,
            RssPeakKiB = Interlocked.Read(ref _peak),
            RssBytesPerConnection = heldConnections > 0 ? Math.Round((now.RssKiB - _baseline.RssKiB) * 1024.0 / heldConnections) : 0,
            CpuSeconds = Math.Round(now.CpuSeconds - _baseline.CpuSeconds, 2),
        };
    }

    public void Dispose() => _timer.Dispose();
}
