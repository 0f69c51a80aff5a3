using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Streams;
using CommunityStream.Media.Forwarding;
using CommunityStream.WebRtc.Transport;

namespace CommunityStream.Media.Tests.Forwarding;

/// <summary>The stream's Akka.Streams graph on a real ActorSystem: packets reach every viewer in order; stale ones are skipped.</summary>
public sealed class StreamFanoutTests : IAsyncLifetime, IDisposable
{
    private readonly ActorSystem _system = ActorSystem.Create("fanout-tests");
    private readonly Socket _receiver = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly Socket _sender = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

    public Task InitializeAsync()
    {
        _receiver.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => _system.Terminate();

    public void Dispose()
    {
        _receiver.Dispose();
        _sender.Dispose();
        _system.Dispose();
    }

    [Fact]
    public async Task Should_deliver_every_packet_to_every_viewer_in_order_and_skip_packets_older_than_the_max_age()
    {
        using var fanout = new StreamFanout(_system.Materializer(), new UdpBatchSender(_sender));
        var sinks = Enumerable.Range(0, 2).Select(_ => new CapturingSink { Destination = _receiver.LocalEndPoint!.Serialize() }).ToList();
        foreach (var sink in sinks)
        {
            fanout.Add(new ViewerForwarder(sink, ViewerForwarderTests.ViewerAnswer(), [new(MediaKind.Video, 96, "VP8", 90000)]));
        }
        var stale = Stopwatch.GetTimestamp() - (2 * Stopwatch.Frequency);

        for (ushort sequence = 1; sequence <= 50; sequence++)
        {
            var fresh = ViewerForwarderTests.Packet(MediaKind.Video, 96, sequence, sequence, [(byte)sequence]);
            fanout.Offer(sequence == 25 ? new MediaPacket(MediaKind.Video, fresh.Data, fresh.HeaderLength, sequence, sequence, false, false, stale) : fresh);
        }

        await Eventually.True(() => fanout.Delivered + fanout.Stale == 50, TimeSpan.FromSeconds(10), "50 packets through the graph");
        Assert.Equal(49, fanout.Delivered);
        Assert.Equal(1, fanout.Stale);
        foreach (var sink in sinks)
        {
            var payloads = sink.Rtp.Select(p => (int)p[^1]).ToList();
            Assert.Equal(Enumerable.Range(1, 50).Where(i => i != 25), payloads);
        }
        Assert.NotNull(fanout.Retransmissions.Find(25));
        // Two viewers × 49 packets went to the kernel; the stale packet was 2 s old when its turn came.
        Assert.Equal(98, fanout.CopiesSent);
        Assert.Equal(0, fanout.CopiesDropped);
        Assert.True(fanout.TakeMaxLag() >= TimeSpan.FromSeconds(2));
        Assert.True(fanout.TakeMaxLag() == TimeSpan.Zero, "the lag is reported once, then starts again");
        // Forwarding delays are recorded for the packets that went out, not for the skipped one.
        Assert.Equal(49, ForwardingDelays.Summarize(new long[ForwardingDelays.BucketCount], fanout.Delays.Snapshot()).Count);
    }

    [Fact]
    public async Task Should_record_each_packets_delay_from_its_decryption_to_the_end_of_its_pass()
    {
        using var fanout = new StreamFanout(_system.Materializer(), new UdpBatchSender(_sender), maxAge: TimeSpan.FromMinutes(1));
        var sink = new CapturingSink { Destination = _receiver.LocalEndPoint!.Serialize() };
        fanout.Add(new ViewerForwarder(sink, ViewerForwarderTests.ViewerAnswer(), [new(MediaKind.Video, 96, "VP8", 90000)]));
        var before = fanout.Delays.Snapshot();

        // Decrypted 30 ms before they are offered: the recorded delay must include that wait.
        var decrypted = Stopwatch.GetTimestamp() - (Stopwatch.Frequency * 30 / 1000);
        for (ushort sequence = 1; sequence <= 10; sequence++)
        {
            var packet = ViewerForwarderTests.Packet(MediaKind.Video, 96, sequence, sequence, [(byte)sequence]);
            fanout.Offer(new MediaPacket(MediaKind.Video, packet.Data, packet.HeaderLength, sequence, sequence, false, false, decrypted));
        }

        await Eventually.True(() => fanout.Delivered == 10, TimeSpan.FromSeconds(10), "10 packets through the graph");
        var (count, p50, p99) = ForwardingDelays.Summarize(before, fanout.Delays.Snapshot());
        Assert.Equal(10, count);
        Assert.True(p50 >= 30, $"p50 {p50} ms");
        Assert.True(p99 >= p50, $"p99 {p99} ms, p50 {p50} ms");
    }

    [Fact]
    public async Task Should_take_the_packets_that_queued_during_a_pass_as_one_group_with_each_viewers_copies_coalesced()
    {
        using var second = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        second.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var hold = new ManualResetEventSlim(false);
        var batch = new UdpBatchSender(_sender);
        // No packet may go stale while the test holds the pass, however slow the machine.
        using var fanout = new StreamFanout(_system.Materializer(), batch, maxAge: TimeSpan.FromMinutes(1));
        var sinks = new[] { _receiver, second }.Select(r => new CapturingSink { Destination = r.LocalEndPoint!.Serialize(), Hold = hold }).ToList();
        foreach (var sink in sinks)
        {
            fanout.Add(new ViewerForwarder(sink, ViewerForwarderTests.ViewerAnswer(), ViewerForwarderTests.Published));
        }
        MediaPacket Video(ushort sequence) => ViewerForwarderTests.Packet(MediaKind.Video, 96, sequence, 3000u * sequence, Enumerable.Repeat((byte)sequence, 900).ToArray());

        // The first packet's pass stalls in the first viewer's sink; the next ones (one audio among them) queue meanwhile.
        fanout.Offer(Video(1));
        await sinks[0].Entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        for (ushort sequence = 2; sequence <= 9; sequence++)
        {
            fanout.Offer(sequence == 5 ? ViewerForwarderTests.Packet(MediaKind.Audio, 111, 1, 960, new byte[80]) : Video(sequence));
        }
        await Eventually.True(() => fanout.IngressQueued == 0, TimeSpan.FromSeconds(10), "the queued packets left the ingress channel");
        hold.Set();

        await Eventually.True(() => fanout.Delivered == 9, TimeSpan.FromSeconds(10), "nine packets through the graph");
        Assert.True(fanout.Passes < 9, $"packets queued behind a pass are taken together ({fanout.Passes} passes for 9 packets)");
        foreach (var sink in sinks)
        {
            // Each viewer got every packet once; within a pass audio goes first, and video keeps its order.
            var video = sink.Rtp.Where(p => p.Length > 200).Select(p => (int)p[^1]).ToList();
            Assert.Equal([1, 2, 3, 4, 6, 7, 8, 9], video);
            Assert.Single(sink.Rtp, p => p.Length < 200);
        }
        Assert.Equal(18, fanout.CopiesSent);
        if (batch.Segmentation)
        {
            // In the grouped pass, each viewer's equal video copies after the first rode in one GSO message.
            Assert.True(fanout.CopiesCoalesced >= 2, $"{fanout.CopiesCoalesced} copies coalesced");
        }
    }

    [Fact]
    public async Task Should_keep_taking_packets_during_a_pass_and_drop_the_oldest_beyond_the_queue_limit_counted()
    {
        using var hold = new ManualResetEventSlim(false);
        using var fanout = new StreamFanout(_system.Materializer(), new UdpBatchSender(_sender), maxAge: TimeSpan.FromMinutes(1));
        var sink = new CapturingSink { Destination = _receiver.LocalEndPoint!.Serialize(), Hold = hold };
        fanout.Add(new ViewerForwarder(sink, ViewerForwarderTests.ViewerAnswer(), ViewerForwarderTests.Published));
        const int Behind = ViewerFanoutSink.QueueLimit + 100;

        // The first packet's pass stalls in the viewer's sink; the stage keeps taking the rest from the hub meanwhile.
        fanout.Offer(ViewerForwarderTests.Packet(MediaKind.Video, 96, 0, 0, [0]));
        await sink.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        for (var i = 1; i <= Behind; i++)
        {
            fanout.Offer(ViewerForwarderTests.Packet(MediaKind.Video, 96, (ushort)i, 3000u * (uint)i, [(byte)i]));
        }
        await Eventually.True(() => fanout.IngressQueued == 0 && fanout.Dropped == Behind - ViewerFanoutSink.QueueLimit, TimeSpan.FromSeconds(10),
            "the packets beyond the queue limit dropped, oldest first");
        hold.Set();

        await Eventually.True(() => fanout.Delivered == 1 + ViewerFanoutSink.QueueLimit, TimeSpan.FromSeconds(10), "the held pass and the queued packets delivered");
        var sequences = sink.Rtp.Select(p => (int)p[^1]).ToList();
        Assert.Equal(0, sequences[0]);
        // The newest packets survived, in order.
        Assert.Equal(Enumerable.Range(Behind - ViewerFanoutSink.QueueLimit + 1, ViewerFanoutSink.QueueLimit).Select(i => i & 0xFF), sequences.Skip(1));
        Assert.Equal(Behind - ViewerFanoutSink.QueueLimit, fanout.Dropped);
    }

    [Fact]
    public async Task Should_forward_a_large_audience_in_parallel_slices_each_with_its_own_batch()
    {
        var batches = new List<UdpBatchSender>();
        UdpBatchSender NewBatch()
        {
            var batch = new UdpBatchSender(_sender);
            lock (batches)
            {
                batches.Add(batch);
            }
            return batch;
        }
        // Seven viewers in slices of at least two, three slices at most: 2, 2 and 3 viewers.
        using var fanout = new StreamFanout(_system.Materializer(), NewBatch(), newBatch: NewBatch, sliceSize: 2, parallelism: 3);
        var sinks = Enumerable.Range(0, 7).Select(_ => new CapturingSink { Destination = _receiver.LocalEndPoint!.Serialize() }).ToList();
        foreach (var sink in sinks)
        {
            fanout.Add(new ViewerForwarder(sink, ViewerForwarderTests.ViewerAnswer(), ViewerForwarderTests.Published));
        }

        for (ushort sequence = 1; sequence <= 30; sequence++)
        {
            fanout.Offer(ViewerForwarderTests.Packet(MediaKind.Video, 96, sequence, 3000u * sequence, [(byte)sequence]));
        }

        await Eventually.True(() => fanout.Delivered == 30, TimeSpan.FromSeconds(10), "30 packets through the graph");
        foreach (var sink in sinks)
        {
            Assert.Equal(Enumerable.Range(1, 30), sink.Rtp.Select(p => (int)p[^1]));
        }
        Assert.Equal(3, batches.Count);
        Assert.Equal([60, 60, 90], batches.Select(b => b.Sent));
        Assert.Equal(7 * 30, fanout.CopiesSent);
        Assert.Equal(0, fanout.Failures);
    }

    [Fact]
    public async Task Should_send_each_viewer_its_sender_report_once_every_four_ticks_a_quarter_of_the_viewers_at_a_time()
    {
        using var fanout = new StreamFanout(_system.Materializer(), new UdpBatchSender(_sender));
        var sinks = Enumerable.Range(0, 10).Select(_ => new CapturingSink { Destination = _receiver.LocalEndPoint!.Serialize() }).ToList();
        foreach (var sink in sinks)
        {
            fanout.Add(new ViewerForwarder(sink, ViewerForwarderTests.ViewerAnswer(), ViewerForwarderTests.Published));
        }
        // A report describes what was sent, so the video track has to have started.
        fanout.Offer(ViewerForwarderTests.Packet(MediaKind.Video, 96, 1, 3000, [1]));
        await Eventually.True(() => fanout.Delivered == 1, TimeSpan.FromSeconds(10), "the first packet through the graph");

        // Ten viewers by position: ticks 1..4 reach positions 1,5,9 / 2,6 / 3,7 / 0,4,8.
        int[] reachedSoFar = [3, 5, 7, 10];
        for (var tick = 1; tick <= 4; tick++)
        {
            fanout.SendSenderReports(tick, DateTime.UtcNow);
            Assert.Equal(reachedSoFar[tick - 1], sinks.Count(s => s.Rtcp.Count > 0));
        }
        Assert.All(sinks, s => Assert.Single(s.Rtcp));
        for (var tick = 5; tick <= 8; tick++)
        {
            fanout.SendSenderReports(tick, DateTime.UtcNow);
        }
        Assert.All(sinks, s => Assert.Equal(2, s.Rtcp.Count));
    }
}
