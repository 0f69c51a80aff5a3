using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Streams;
using CommunityStream.Media.Forwarding;
using CommunityStream.Media.WebRtc.Transport;

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
    }
}
