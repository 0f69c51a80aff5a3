using System.Threading.Channels;
using Akka;
using Akka.Streams;
using Akka.Streams.Dsl;
using CommunityStream.Media.Forwarding;

namespace CommunityStream.Media.Hls;

/// <summary>
/// Feeds a channel's packager from the stream's fan-out hub: a consumer of <see cref="StreamFanout.Hub"/> writes each
/// packet into a bounded queue (oldest dropped and counted when the packager falls behind, so the hub and the viewers
/// never wait for it), and one loop on the thread pool pushes them into the packager in order. After a drop the
/// packager is told, and waits for the next IDR. Completes when the hub completes (the publisher left: the packager
/// finishes its last part) or on <see cref="Dispose"/> (queued packets are dropped).
/// </summary>
internal sealed class HlsPacketFeed : IDisposable
{
    /// <summary>Packets queued at most: about 2 s of a 6 Mbit/s stream.</summary>
    public const int Capacity = 2048;

    private readonly Channel<MediaPacket> _queue;
    private readonly UniqueKillSwitch _link;
    private int _lost;

    public HlsPacketFeed(Source<MediaPacket, NotUsed> hub, IMaterializer materializer, IHlsPackager packager, HlsCounters counters, Action<Exception?> completed)
    {
        _queue = Channel.CreateBounded<MediaPacket>(
            new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true },
            _ =>
            {
                counters.PacketDropped();
                Volatile.Write(ref _lost, 1);
            });
        var (link, done) = hub
            .ViaMaterialized(KillSwitches.Single<MediaPacket>(), Keep.Right)
            .ToMaterialized(Sink.ForEach<MediaPacket>(packet => _queue.Writer.TryWrite(packet)), Keep.Both)
            .Run(materializer);
        _link = link;
        done.ContinueWith(_ => _queue.Writer.TryComplete(), TaskScheduler.Default);
        Completion = Task.Run(() => PumpAsync(packager, completed));
    }

    /// <summary>Completes when the loop has pushed its last packet.</summary>
    public Task Completion { get; }

    public void Dispose()
    {
        _link.Shutdown();
        _queue.Writer.TryComplete();
    }

    private async Task PumpAsync(IHlsPackager packager, Action<Exception?> completed)
    {
        try
        {
            while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (_queue.Reader.TryRead(out var packet))
                {
                    if (Interlocked.Exchange(ref _lost, 0) == 1)
                    {
                        packager.PacketsLost();
                    }
                    packager.Push(packet);
                }
            }
            packager.Finish();
            completed(null);
        }
        catch (Exception ex)
        {
            // A packager bug ends this channel's HLS, never the stream or the node.
            _link.Shutdown();
            completed(ex);
        }
    }
}
