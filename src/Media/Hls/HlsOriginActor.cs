using System.Threading.Channels;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace CommunityStream.Media.Hls;

/// <summary>
/// This node's end of HLS across the cluster (<c>/user/media-hls</c>). For a channel packaged here it gives another
/// node one StreamRef of the window's events — a snapshot of the window, then every change as it happens — cut into
/// chunks below Akka.Remote's frame size; that node's mirror serves the same playlist, with the same MSNs, to its
/// players. One subscription per node and channel, never one per player. It also says whether a channel has HLS.
/// </summary>
internal sealed class HlsOriginActor : ReceiveActor
{
    public const string Name = "media-hls";

    /// <summary>Chunks queued for one subscriber at most (a window's snapshot fits many times); a subscriber that falls further behind is cut off and subscribes again.</summary>
    private const int SubscriberQueue = 4096;

    /// <summary>Bytes queued for one subscriber at most beyond a full window (its snapshot): the bound that matters, since chunks may be small or 64 KB.</summary>
    internal const long SubscriberSlack = 16 * 1024 * 1024;

    public HlsOriginActor(HlsChannels channels, IMaterializer materializer)
    {
        Receive<HlsMessages.GetStatus>(get => Sender.Tell(channels.Find(get.Channel) is { Mirrored: false } channel
            ? new HlsMessages.Status(get.Channel, channel.Window is not null, channel.UnavailableReason)
            : new HlsMessages.Status(get.Channel, false, "The stream is not published on this node.")));
        Receive<HlsMessages.Subscribe>(subscribe =>
        {
            switch (channels.Find(subscribe.Channel))
            {
                case { Mirrored: false, Window: { } window }:
                    Subscribe(window, materializer).PipeTo(Sender);
                    break;
                case { Mirrored: false, UnavailableReason: { } reason }:
                    Sender.Tell(new HlsMessages.Unavailable(subscribe.Channel, reason));
                    break;
                default:
                    Sender.Tell(new HlsMessages.Unavailable(subscribe.Channel, "The stream is not published on this node."));
                    break;
            }
        });
    }

    private static Task<ISourceRef<HlsWireChunk>> Subscribe(HlsChannelWindow window, IMaterializer materializer)
    {
        var queue = Channel.CreateBounded<HlsWireChunk>(new BoundedChannelOptions(SubscriberQueue) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
        var maxQueued = window.Settings.MaxWindowBytes + SubscriberSlack;
        long queued = 0;
        void Send(HlsWindowEvent change)
        {
            foreach (var chunk in HlsWireCodec.Encode(change))
            {
                if (Interlocked.Add(ref queued, chunk.Data.Length) > maxQueued || !queue.Writer.TryWrite(chunk))
                {
                    // Too far behind: a gap would corrupt the mirror, so it ends and the node subscribes again.
                    queue.Writer.TryComplete(new InvalidOperationException("The HLS subscriber fell behind."));
                    return;
                }
            }
            if (change is HlsWindowEnded)
            {
                queue.Writer.TryComplete();
            }
        }
        var subscription = window.Subscribe(Send);
        return ChannelSource.FromReader(queue.Reader)
            .Select(chunk =>
            {
                Interlocked.Add(ref queued, -chunk.Data.Length);
                return chunk;
            })
            .WatchTermination((_, done) =>
            {
                done.ContinueWith(_ => subscription.Dispose(), TaskScheduler.Default);
                return Akka.NotUsed.Instance;
            })
            .RunWith(StreamRefs.SourceRef<HlsWireChunk>(), materializer);
    }
}
