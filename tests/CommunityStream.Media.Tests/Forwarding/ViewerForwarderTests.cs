using System.Diagnostics;
using CommunityStream.Media.Forwarding;
using CommunityStream.WebRtc.Rtcp;
using CommunityStream.WebRtc.Rtp;
using CommunityStream.WebRtc.Sdp;

namespace CommunityStream.Media.Tests.Forwarding;

public sealed class ViewerForwarderTests
{
    internal static readonly PublishedTrack[] Published = [new(MediaKind.Audio, 111, "opus", 48000), new(MediaKind.Video, 96, "VP8", 90000)];

    [Fact]
    public void Should_rewrite_ssrc_payload_type_and_mid_and_keep_the_payload_and_the_numbering_contiguous()
    {
        var sink = new CapturingSink();
        var forwarder = new ViewerForwarder(sink, ViewerAnswer(videoPayloadType: 120, midId: 9), Published);

        Forward(forwarder, Packet(MediaKind.Video, 96, sequence: 65534, timestamp: 1000, payload: [1, 2, 3]));
        Forward(forwarder, Packet(MediaKind.Video, 96, sequence: 65535, timestamp: 4000, payload: [4, 5]));
        Forward(forwarder, Packet(MediaKind.Video, 96, sequence: 0, timestamp: 7000, payload: [6]));

        var headers = sink.Rtp.Select(p => { Assert.True(RtpHeader.TryRead(p, out var h)); return (h, Payload: p[h.HeaderLength..]); }).ToList();
        Assert.All(headers, x => Assert.Equal(0x2222u, x.h.Ssrc));
        Assert.All(headers, x => Assert.Equal(120, x.h.PayloadType));
        Assert.Equal((ushort)(headers[0].h.SequenceNumber + 1), headers[1].h.SequenceNumber);
        Assert.Equal((ushort)(headers[0].h.SequenceNumber + 2), headers[2].h.SequenceNumber);
        Assert.Equal(3000u, headers[1].h.Timestamp - headers[0].h.Timestamp);
        Assert.Equal([1, 2, 3], headers[0].Payload);
        Assert.Equal([6], headers[2].Payload);
        Assert.True(headers[0].h.TryGetExtension(sink.Rtp[0], 9, out var mid));
        Assert.Equal("1"u8.ToArray(), mid.ToArray());
        Assert.False(headers[0].h.TryGetExtension(sink.Rtp[0], 4, out _));
        Assert.Equal(3, forwarder.Forwarded);
    }

    [Fact]
    public void Should_not_forward_a_kind_whose_codec_the_viewer_did_not_get()
    {
        var sink = new CapturingSink();
        var forwarder = new ViewerForwarder(sink, ViewerAnswer(videoCodec: "H264"), Published);

        Forward(forwarder, Packet(MediaKind.Video, 96, 1, 1, [1]));
        Forward(forwarder, Packet(MediaKind.Audio, 111, 1, 1, [1]));

        Assert.False(forwarder.Receives(MediaKind.Video));
        Assert.Single(sink.Rtp);
    }

    [Fact]
    public void Should_answer_a_nack_in_the_viewers_numbering_from_the_retransmission_buffer()
    {
        var sink = new CapturingSink();
        var forwarder = new ViewerForwarder(sink, ViewerAnswer(), Published);
        var buffer = new RetransmissionBuffer(64);
        for (ushort sequence = 100; sequence < 110; sequence++)
        {
            var packet = Packet(MediaKind.Video, 96, sequence, sequence * 10u, [(byte)sequence]);
            buffer.Add(packet);
            Forward(forwarder, packet);
        }
        Assert.True(RtpHeader.TryRead(sink.Rtp[3], out var lost));
        sink.Rtp.Clear();

        forwarder.Retransmit(0x2222, [lost.SequenceNumber, (ushort)(lost.SequenceNumber + 500)], buffer);
        forwarder.Retransmit(0xDEAD, [lost.SequenceNumber], buffer);

        var resent = Assert.Single(sink.Rtp);
        Assert.True(RtpHeader.TryRead(resent, out var header));
        Assert.Equal(lost.SequenceNumber, header.SequenceNumber);
        Assert.Equal([103], resent[header.HeaderLength..]);
        Assert.Equal(1, forwarder.Retransmitted);
    }

    [Fact]
    public void Should_send_a_sender_report_per_started_track_with_its_counts()
    {
        var sink = new CapturingSink();
        var forwarder = new ViewerForwarder(sink, ViewerAnswer(), Published);
        Forward(forwarder, Packet(MediaKind.Audio, 111, 1, 960, new byte[100]));
        Forward(forwarder, Packet(MediaKind.Audio, 111, 2, 1920, new byte[50]));

        forwarder.SendSenderReports(DateTime.UtcNow);

        var report = Assert.Single(sink.Rtcp);
        var reader = new RtcpCompoundReader(report);
        Assert.True(reader.TryReadNext(out var packet));
        Assert.True(RtcpSenderReport.TryParse(in packet, out var sr));
        Assert.Equal(0x1111u, sr.Ssrc);
        Assert.Equal(2u, sr.PacketCount);
        Assert.Equal(150u, sr.OctetCount);
    }

    [Fact]
    public void Should_write_the_viewers_copies_into_one_batch_that_reaches_the_socket()
    {
        using var receiver = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        receiver.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        receiver.ReceiveTimeout = 5000;
        using var sender = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        using var batch = new CommunityStream.WebRtc.Transport.UdpBatchSender(sender);
        var sinks = Enumerable.Range(0, 3).Select(_ => new CapturingSink { Destination = receiver.LocalEndPoint!.Serialize() }).ToList();
        var forwarders = sinks.Select(sink => new ViewerForwarder(sink, ViewerAnswer(), Published)).ToList();

        foreach (var forwarder in forwarders)
        {
            forwarder.ForwardInto(Packet(MediaKind.Video, 96, 7, 70, [9, 8, 7]), batch, Stopwatch.GetTimestamp());
        }
        Assert.Equal(3, batch.Queued);
        batch.Flush();

        var buffer = new byte[2048];
        for (var i = 0; i < 3; i++)
        {
            var length = receiver.Receive(buffer);
            Assert.True(RtpHeader.TryRead(buffer.AsSpan(0, length), out var header));
            Assert.Equal(0x2222u, header.Ssrc);
            Assert.Equal([9, 8, 7], buffer.AsSpan(header.HeaderLength, length - header.HeaderLength).ToArray());
        }
        Assert.All(forwarders, f => Assert.Equal(1, f.Forwarded));
    }

    /// <summary>Forwards one packet through the batched path the fan-out uses; the sink records the copy.</summary>
    private static void Forward(ViewerForwarder forwarder, MediaPacket packet)
    {
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        using var batch = new CommunityStream.WebRtc.Transport.UdpBatchSender(socket);
        forwarder.ForwardInto(packet, batch, Stopwatch.GetTimestamp());
        batch.Flush();
    }

    internal static MediaPacket Packet(MediaKind kind, byte payloadType, ushort sequence, uint timestamp, byte[] payload)
    {
        var data = new byte[64 + payload.Length];
        var length = RtpHeader.Write(data, false, payloadType, sequence, timestamp, 0xABCDEF);
        var extensions = new RtpHeaderExtensionWriter(data, length, twoByte: false);
        extensions.Add(4, "0"u8);
        length = extensions.Complete();
        payload.CopyTo(data, length);
        return new MediaPacket(kind, data[..(length + payload.Length)], length, sequence, timestamp, false, false, Stopwatch.GetTimestamp());
    }

    internal static SdpAnswer ViewerAnswer(int videoPayloadType = 96, int midId = 4, string videoCodec = "VP8") => new(
        "",
        [
            new NegotiatedMedia { Mid = "0", Kind = "audio", Codec = new SdpCodec(111, "opus", 48000, 2), LocalSsrc = 0x1111 },
            new NegotiatedMedia
            {
                Mid = "1", Kind = "video", Codec = new SdpCodec(videoPayloadType, videoCodec, 90000, 0), LocalSsrc = 0x2222,
                Extensions = new Dictionary<string, int> { ["urn:ietf:params:rtp-hdrext:sdes:mid"] = midId },
            },
        ],
        "ufrag",
        "pwd",
        CommunityStream.WebRtc.Dtls.DtlsFingerprint.Parse("sha-256 " + string.Join(':', Enumerable.Repeat("AB", 32)))!);
}
