using System.Diagnostics;

namespace CommunityStream.MediaLoad;

/// <summary>Counters at one instant; the window's rates are the difference of two snapshots over their time.</summary>
internal sealed record Snapshot(long Ticks, long ViewerPackets, long ViewerBytes, long PublisherPackets, long PublisherBytes, double? ServerCpuSeconds, double GeneratorCpuSeconds)
{
    public static Snapshot Take(IReadOnlyList<SyntheticViewer> viewers, SyntheticPublisher? publisher, ServerMonitor? server)
    {
        long packets = 0, bytes = 0;
        foreach (var viewer in viewers)
        {
            packets += Interlocked.Read(ref viewer.Packets);
            bytes += Interlocked.Read(ref viewer.Bytes);
        }
        using var self = Process.GetCurrentProcess();
        return new Snapshot(
            Stopwatch.GetTimestamp(),
            packets,
            bytes,
            publisher is null ? 0 : Interlocked.Read(ref publisher.VideoPackets) + Interlocked.Read(ref publisher.AudioPackets),
            publisher is null ? 0 : Interlocked.Read(ref publisher.Bytes),
            server?.Sample().CpuSeconds,
            self.TotalProcessorTime.TotalSeconds);
    }
}
