using CommunityStream.LoadGen;

namespace CommunityStream.MediaLoad;

/// <summary>Samples the server process from /proc every second (peak RSS) and on demand (CPU seconds so far).</summary>
internal sealed class ServerMonitor : IDisposable
{
    private readonly int[] _pid;
    private readonly Timer _timer;
    private long _peakRssKiB;

    public ServerMonitor(int pid)
    {
        _pid = [pid];
        Start = ServerSampler.Sample(_pid);
        _peakRssKiB = Start.RssKiB;
        _timer = new Timer(_ => Sample(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    public ServerSample Start { get; }

    public long PeakRssKiB => Interlocked.Read(ref _peakRssKiB);

    public ServerSample Sample()
    {
        var sample = ServerSampler.Sample(_pid);
        var peak = Interlocked.Read(ref _peakRssKiB);
        while (sample.RssKiB > peak && Interlocked.CompareExchange(ref _peakRssKiB, sample.RssKiB, peak) != peak)
        {
            peak = Interlocked.Read(ref _peakRssKiB);
        }
        return sample;
    }

    public void Dispose() => _timer.Dispose();
}
