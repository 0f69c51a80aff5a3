using System.Diagnostics;

namespace CommunityStream.MediaLoad;

/// <summary>Counters at one instant; the window's rates are the difference of two snapshots over their time.</summary>
internal sealed record Snapshot(long Ticks, long ViewerPackets, long ViewerBytes, long ViewerLost, long ViewerSequenced, long PublisherPackets, long PublisherBytes, double? ServerCpuSeconds, double GeneratorCpuSeconds)
{
    public static Snapshot Take(IReadOnlyList<SyntheticViewer> viewers, SyntheticPublisher? publisher, ServerMonitor? server)
    {
        long packets = 0, bytes = 0, lost = 0, sequenced = 0;
        foreach (var viewer in viewers)
        {
            packets += Interlocked.Read(ref viewer.Packets);
            bytes += Interlocked.Read(ref viewer.Bytes);
            // The trackers belong to the receive side; a racy read is off by a packet or two at most.
            lost += viewer.Audio.Lost + viewer.Video.Lost;
            sequenced += viewer.Audio.Received + viewer.Video.Received + viewer.Audio.Lost + viewer.Video.Lost;
        }
        using var self = Process.GetCurrentProcess();
        return new Snapshot(
            Stopwatch.GetTimestamp(),
            packets,
            bytes,
            lost,
            sequenced,
            publisher is null ? 0 : Interlocked.Read(ref publisher.VideoPackets) + Interlocked.Read(ref publisher.AudioPackets),
            publisher is null ? 0 : Interlocked.Read(ref publisher.Bytes),
            server?.Sample().CpuSeconds,
            self.TotalProcessorTime.TotalSeconds);
    }
}
