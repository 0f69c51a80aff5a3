using System.Diagnostics;
using CommunityStream.LoadGen;

namespace CommunityStream.MediaLoad;

/// <summary>Turns the viewers' and publisher's counters and the window's two snapshots into the result's figures.</summary>
internal static class MediaLoadReport
{
    /// <summary>A viewer that got nothing for this long before the window closed is not held.</summary>
    private static readonly TimeSpan HeldRecency = TimeSpan.FromSeconds(2);

    public static void Fill(MediaLoadResult result, IReadOnlyList<SyntheticViewer> viewers, SyntheticPublisher? publisher, Snapshot first, Snapshot last, ServerMonitor? server, List<double> connectMillis, double rampSeconds)
    {
        var seconds = Math.Max((last.Ticks - first.Ticks) / (double)Stopwatch.Frequency, 1e-9);
        var heldAfter = last.Ticks - (long)(HeldRecency.TotalSeconds * Stopwatch.Frequency);
        var delay = new LogLinearHistogram();
        var socketDelay = new LogLinearHistogram();
        foreach (var viewer in viewers)
        {
            if (viewer.Connected && Volatile.Read(ref viewer.LastPacketTicks) >= heldAfter)
            {
                result.ViewersHeld++;
            }
            if (viewer.Connected)
            {
                result.ViewersConnected++;
                if (Interlocked.Read(ref viewer.Packets) == 0)
                {
                    result.ViewerSilent++;
                }
            }
            result.ViewerPackets += viewer.Packets;
            foreach (var tracker in (RtpSequenceTracker[])[viewer.Audio, viewer.Video])
            {
                result.ViewerLost += tracker.Lost;
                result.ViewerReordered += tracker.Reordered;
                result.ViewerDuplicates += tracker.Duplicates;
                result.ViewerTooOld += tracker.TooOld;
            }
            result.AuthFailures += viewer.AuthFailures;
            result.ConsentResponses += viewer.Peer?.ConsentResponses ?? 0;
            if (viewer.Verify && viewer.Connected)
            {
                result.VerifiedViewers++;
                result.VerifiedPackets += viewer.Packets - viewer.AuthFailures;
                result.KeyframesSeenByVerified += viewer.Keyframes;
            }
            if (viewer.Delay is { } histogram)
            {
                delay.Merge(histogram);
            }
            if (viewer.SocketDelay is { } arrival)
            {
                socketDelay.Merge(arrival);
            }
        }
        var sequenced = result.ViewerLost + viewers.Sum(v => v.Audio.Received + v.Video.Received);
        result.ViewerLossFraction = sequenced == 0 ? 0 : result.ViewerLost / (double)sequenced;

        result.RampSeconds = rampSeconds;
        if (connectMillis.Count > 0)
        {
            connectMillis.Sort();
            result.ConnectP50Ms = connectMillis[connectMillis.Count / 2];
            result.ConnectMaxMs = connectMillis[^1];
        }
        result.WindowSeconds = seconds;
        result.PublisherPacketsPerSecond = (last.PublisherPackets - first.PublisherPackets) / seconds;
        result.PublisherBitsPerSecond = (last.PublisherBytes - first.PublisherBytes) * 8 / seconds;
        result.ViewerPacketsPerSecond = (last.ViewerPackets - first.ViewerPackets) / seconds;
        result.WindowLost = Math.Max(0, last.ViewerLost - first.ViewerLost);
        var windowSequenced = last.ViewerSequenced - first.ViewerSequenced;
        result.WindowLossFraction = windowSequenced <= 0 ? 0 : result.WindowLost / (double)windowSequenced;
        result.ViewerBitsPerSecond = (last.ViewerBytes - first.ViewerBytes) * 8 / seconds;
        var expected = result.PublisherPacketsPerSecond * result.ViewersHeld;
        result.ForwardedFraction = expected > 0 ? result.ViewerPacketsPerSecond / expected : 0;
        if (publisher is not null)
        {
            result.PublisherPackets = publisher.VideoPackets + publisher.AudioPackets;
            result.PublisherSkippedPackets = publisher.SkippedPackets;
            result.PublisherPli = publisher.Pli;
            result.PublisherFir = publisher.Fir;
            result.PublisherNack = publisher.Nack;
            result.PublisherKeyframes = publisher.Video.Keyframes;
            result.ConsentResponses += publisher.Peer.ConsentResponses;
        }

        result.Delay = DelayFigures.From(delay);
        result.SocketDelay = DelayFigures.From(socketDelay);

        if (server is not null && first.ServerCpuSeconds is { } cpuStart && last.ServerCpuSeconds is { } cpuEnd)
        {
            result.ServerCpuSecondsPerSecond = (cpuEnd - cpuStart) / seconds;
            result.ServerCpuPer100Viewers = result.ViewersHeld > 0 ? result.ServerCpuSecondsPerSecond * 100 / result.ViewersHeld : null;
            result.ServerRssStartKiB = server.Start.RssKiB;
            result.ServerRssPeakKiB = server.PeakRssKiB;
        }
        result.GeneratorCpuSecondsPerSecond = (last.GeneratorCpuSeconds - first.GeneratorCpuSeconds) / seconds;
        using var self = Process.GetCurrentProcess();
        result.GeneratorRssKiB = self.WorkingSet64 / 1024;
    }
}
