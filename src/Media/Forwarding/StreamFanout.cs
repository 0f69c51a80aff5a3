using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Akka;
using Akka.Streams;
using Akka.Streams.Dsl;
using CommunityStream.WebRtc.Transport;

namespace CommunityStream.Media.Forwarding;

/// <summary>
/// One stream's media path on one node, an Akka.Streams graph: the publisher's receive thread writes each decrypted
/// packet into a bounded channel (oldest dropped and counted when the graph falls behind), a BroadcastHub makes it
/// available to consumers — this node's viewers, and later one relay per other node, each with its own drop-oldest
/// queue, so a slow consumer never stalls the publisher or the others. The local viewers' consumer is a sink stage,
/// <see cref="ViewerFanoutSink"/>, which forwards in passes: a pass takes whatever queued while the previous one ran,
/// up to <see cref="MaxGroup"/>, and every viewer's forwarder writes and protects its copies of the pass into one
/// batch, one viewer after another, so the batch sends runs of equal size as one UDP GSO message per viewer. Never an
/// actor message per packet. This class holds what the stage shares with the rest of the session: the viewers, the
/// retransmission buffer, the forwarding delays and the counters.
/// <para>
/// A stream with many viewers on a node with several cores is cut into slices of at least <see cref="DefaultSliceSize"/>
/// viewers, at most one per core: a pass forwards the slices in parallel, each into its own batch.
/// </para>
/// </summary>
internal sealed class StreamFanout : IDisposable
{
    /// <summary>Packets one fan-out pass takes at most (about 100 ms of a 2.5 Mbit/s stream).</summary>
    public const int MaxGroup = 32;

    /// <summary>
    /// A packet older than this when its turn comes is skipped, not sent: under overload the count-bounded queues could
    /// otherwise hold seconds of media, and for live video a late packet is worth less than catching up (viewers
    /// NACK or ask for a keyframe).
    /// </summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMilliseconds(500);

    /// <summary>Viewers per slice at least: below that, a slice's work is too small to be worth a thread.</summary>
    public const int DefaultSliceSize = 256;

    private readonly Channel<MediaPacket> _ingress;
    // One batch per slice, used by the viewers' stage; here only read for the counters.
    private readonly UdpBatchSender?[] _batches;
    private readonly Lock _viewersGate = new();
    private ViewerForwarder[] _viewers = [];
    private long _dropped;
    private long _delivered;
    private long _failures;
    private long _stale;
    private long _maxLagTicks;
    private long _passes;

    /// <param name="materializer">Runs the graph.</param>
    /// <param name="batch">Sends the viewers' copies of each packet in one system call; used only by the viewers' stage.</param>
    /// <param name="ingressCapacity">Packets the publisher may be ahead of the graph before the oldest are dropped.</param>
    /// <param name="maxAge">Overrides <see cref="MaxAge"/> (tests that hold a pass on purpose).</param>
    /// <param name="newBatch">Makes the batches of further slices; null keeps every viewer in the first.</param>
    /// <param name="sliceSize">Overrides <see cref="DefaultSliceSize"/>.</param>
    /// <param name="parallelism">Slices at most; the processor count unless given.</param>
    /// <param name="forwardingDelay">The node's forwarding-delay histogram, recorded once per pass; null without metrics.</param>
    public StreamFanout(
        IMaterializer materializer,
        UdpBatchSender batch,
        int ingressCapacity = 1024,
        TimeSpan? maxAge = null,
        Func<UdpBatchSender>? newBatch = null,
        int sliceSize = DefaultSliceSize,
        int? parallelism = null,
        Histogram<double>? forwardingDelay = null)
    {
        ForwardingDelay = forwardingDelay;
        _batches = new UdpBatchSender?[newBatch is null ? 1 : Math.Max(1, parallelism ?? Environment.ProcessorCount)];
        _batches[0] = batch;
        _ingress = Channel.CreateBounded<MediaPacket>(
            new BoundedChannelOptions(ingressCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true },
            _ => Interlocked.Increment(ref _dropped));
        Hub = ChannelSource.FromReader(_ingress.Reader)
            .ToMaterialized(BroadcastHub.Sink<MediaPacket>(bufferSize: 256), Keep.Right)
            .Run(materializer);
        Completion = Hub.RunWith(Sink.FromGraph(new ViewerFanoutSink(this, _batches, newBatch, sliceSize, maxAge ?? MaxAge)), materializer);
    }

    /// <summary>Every packet of the stream, for consumers beside the local viewers (cross-node relays).</summary>
    public Source<MediaPacket, NotUsed> Hub { get; }

    /// <summary>Completes when the publisher is gone and the local viewers' stage drained.</summary>
    public Task Completion { get; }

    public RetransmissionBuffer Retransmissions { get; } = new();

    /// <summary>Each forwarded packet's time from decryption (or relay arrival) to the end of its pass.</summary>
    public ForwardingDelays Delays { get; } = new();

    /// <summary>The node's forwarding-delay histogram (one value per pass: its oldest packet), when metrics are on.</summary>
    public Histogram<double>? ForwardingDelay { get; }

    /// <summary>Packets dropped because the graph fell behind the publisher (at the ingress or the viewers' queue).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Packets handed to the local viewers' forwarders.</summary>
    public long Delivered => Interlocked.Read(ref _delivered);

    /// <summary>Packets offered and not yet taken into the graph.</summary>
    internal int IngressQueued => _ingress.Reader.Count;

    /// <summary>Fan-out passes; <see cref="Delivered"/> over this is the mean number of packets per pass.</summary>
    public long Passes => Interlocked.Read(ref _passes);

    /// <summary>Copies that rode in another copy's GSO message.</summary>
    public long CopiesCoalesced => Sum(b => b.Coalesced);

    /// <summary>Forwarder exceptions caught (a bug in one viewer's path must not stop the others).</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Packets skipped because they were older than <see cref="MaxAge"/> when their turn came.</summary>
    public long Stale => Interlocked.Read(ref _stale);

    /// <summary>Viewer copies the kernel accepted, and copies it refused (full socket buffer) or that could not be queued.</summary>
    public long CopiesSent => Sum(b => b.Sent);

    public long CopiesDropped => Sum(b => b.Dropped);

    /// <summary>The oldest a packet was when its fan-out began, since the last call (how far behind the fan-out runs).</summary>
    public TimeSpan TakeMaxLag() => System.Diagnostics.Stopwatch.GetElapsedTime(0, Interlocked.Exchange(ref _maxLagTicks, 0));

    public int ViewerCount => Volatile.Read(ref _viewers).Length;

    /// <summary>The viewers now, in join order (a snapshot: joins and leaves replace the array).</summary>
    public ViewerForwarder[] Viewers => Volatile.Read(ref _viewers);

    /// <summary>Called on the publisher's receive thread; never blocks.</summary>
    public void Offer(MediaPacket packet) => _ingress.Writer.TryWrite(packet);

    public void Add(ViewerForwarder viewer)
    {
        lock (_viewersGate)
        {
            Volatile.Write(ref _viewers, [.. _viewers, viewer]);
        }
    }

    public void Remove(ViewerForwarder viewer)
    {
        lock (_viewersGate)
        {
            Volatile.Write(ref _viewers, _viewers.Where(v => !ReferenceEquals(v, viewer)).ToArray());
        }
    }

    /// <summary>
    /// Sends RTCP sender reports to every fourth viewer by position, a different quarter on each call: called every
    /// 250 ms, each viewer gets its reports once a second, and the sends never come as one burst that holds up a pass.
    /// </summary>
    public void SendSenderReports(long tick, DateTime utcNow)
    {
        var viewers = Volatile.Read(ref _viewers);
        for (var i = (int)(tick & 3); i < viewers.Length; i += 4)
        {
            viewers[i].SendSenderReports(utcNow);
        }
    }

    /// <summary>The publisher is gone: the graph completes once the queued packets are delivered.</summary>
    public void Dispose() => _ingress.Writer.TryComplete();

    // The viewers' stage counts here.
    internal void CountDropped() => Interlocked.Increment(ref _dropped);

    internal void CountPass() => Interlocked.Increment(ref _passes);

    internal void CountDelivered(int packets) => Interlocked.Add(ref _delivered, packets);

    internal void CountStale() => Interlocked.Increment(ref _stale);

    internal void CountFailure() => Interlocked.Increment(ref _failures);

    internal void ObserveLag(long lagTicks)
    {
        if (lagTicks > Volatile.Read(ref _maxLagTicks))
        {
            // Only the fan-out pass raises it; the reporter swaps it back to 0.
            Volatile.Write(ref _maxLagTicks, lagTicks);
        }
    }

    private long Sum(Func<UdpBatchSender, long> counter)
    {
        var sum = 0L;
        foreach (var sender in _batches)
        {
            if (sender is not null)
            {
                sum += counter(sender);
            }
        }
        return sum;
    }
}
