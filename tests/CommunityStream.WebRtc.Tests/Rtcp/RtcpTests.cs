using CommunityStream.WebRtc.Rtcp;

namespace CommunityStream.WebRtc.Tests.Rtcp;

public class RtcpTests
{
    private static RtcpPacket Single(ReadOnlySpan<byte> datagram)
    {
        var reader = new RtcpCompoundReader(datagram);
        Assert.True(reader.TryReadNext(out var packet));
        return packet;
    }

    [Fact]
    public void Should_round_trip_a_compound_SR_SDES_BYE()
    {
        // SDES (RFC 3550 §6.5) is not parsed, only walked past: one chunk, SSRC 0x1234, CNAME "user@host".
        var sdesCname = Hex.Decode("81 ca 00 04 00 00 12 34 01 09 75 73 65 72 40 68 6f 73 74 00");
        var buffer = new byte[512];
        var block = new RtcpReportBlock(0xAAAA, 25, -3, 70000, 12, 0x11112222, 655);
        var length = RtcpSenderReport.Write(buffer, 0x1234, 0x0102030405060708, 90000, 10, 12000, [block]);
        sdesCname.CopyTo(buffer, length);
        length += sdesCname.Length;
        length += RtcpGoodbye.Write(buffer.AsSpan(length), [0x1234u], "done");

        Assert.True(RtcpCompoundReader.IsValid(buffer.AsSpan(0, length)));
        var reader = new RtcpCompoundReader(buffer.AsSpan(0, length));

        Assert.True(reader.TryReadNext(out var sr));
        Assert.True(RtcpSenderReport.TryParse(sr, out var report));
        Assert.Equal(0x1234u, report.Ssrc);
        Assert.Equal(0x0102030405060708ul, report.NtpTimestamp);
        Assert.Equal(90000u, report.RtpTimestamp);
        Assert.Equal(10u, report.PacketCount);
        Assert.Equal(12000u, report.OctetCount);
        Assert.Equal(block, report.GetReportBlock(0));

        Assert.True(reader.TryReadNext(out var sdes));
        Assert.Equal(RtcpPacketType.SourceDescription, sdes.PacketType);
        Assert.Equal(1, sdes.Count);
        Assert.Equal(0x1234u, sdes.SenderSsrc);

        Assert.True(reader.TryReadNext(out var byePacket));
        Assert.True(RtcpGoodbye.TryParse(byePacket, out var bye));
        Assert.Equal(1, bye.SourceCount);
        Assert.Equal(0x1234u, bye.GetSsrc(0));
        Assert.Equal("done"u8.ToArray(), bye.Reason.ToArray());

        Assert.False(reader.TryReadNext(out _));
        Assert.False(reader.IsMalformed);
    }

    [Fact]
    public void Should_round_trip_a_receiver_report()
    {
        var buffer = new byte[100];
        var length = RtcpReceiverReport.Write(buffer, 7, [new RtcpReportBlock(1, 2, 3, 4, 5, 6, 7), new RtcpReportBlock(8, 9, 10, 11, 12, 13, 14)]);
        Assert.True(RtcpReceiverReport.TryParse(Single(buffer.AsSpan(0, length)), out var rr));
        Assert.Equal(7u, rr.Ssrc);
        Assert.Equal(2, rr.ReportCount);
        Assert.Equal(new RtcpReportBlock(8, 9, 10, 11, 12, 13, 14), rr.GetReportBlock(1));
    }

    [Fact]
    public void Should_read_a_generic_nack_from_its_wire_form()
    {
        // RTPFB FMT 1, sender 1, media 2, PID 100 BLP 0b101 (lost 100, 101, 103), PID 200 BLP 0.
        var packet = Hex.Decode("81 cd 00 04 00 00 00 01 00 00 00 02 00 64 00 05 00 c8 00 00");
        Span<ushort> lost = stackalloc ushort[32];
        var count = RtcpGenericNack.ReadLostSequenceNumbers(Single(packet), out var sender, out var media, lost);
        Assert.Equal(1u, sender);
        Assert.Equal(2u, media);
        Assert.Equal(new ushort[] { 100, 101, 103, 200 }, lost[..count].ToArray());

        var buffer = new byte[64];
        var length = RtcpGenericNack.Write(buffer, 1, 2, [100, 101, 103, 200]);
        Assert.Equal(packet, buffer[..length]);
    }

    [Fact]
    public void Should_pack_a_nack_across_the_sequence_wrap()
    {
        var buffer = new byte[64];
        var length = RtcpGenericNack.Write(buffer, 1, 2, [65534, 65535, 0, 1]);
        Span<ushort> lost = stackalloc ushort[32];
        var count = RtcpGenericNack.ReadLostSequenceNumbers(Single(buffer.AsSpan(0, length)), out _, out _, lost);
        Assert.Equal(new ushort[] { 65534, 65535, 0, 1 }, lost[..count].ToArray());
        Assert.Equal(16, length); // one FCI entry
    }

    [Fact]
    public void Should_round_trip_a_PLI()
    {
        var buffer = new byte[64];
        var length = RtcpPictureLossIndication.Write(buffer, 5, 6);
        Assert.Equal(Hex.Decode("81 ce 00 02 00 00 00 05 00 00 00 06"), buffer[..length]);
        Assert.True(RtcpPictureLossIndication.TryParse(Single(buffer.AsSpan(0, length)), out var sender, out var media));
        Assert.Equal((5u, 6u), (sender, media));
    }

    [Fact]
    public void Should_tell_a_FIR_by_its_type_and_format()
    {
        // RFC 5104 §4.3.1: PSFB FMT 4, sender 5, media source 0, one FCI entry (SSRC 0xABCD, sequence 3). A keyframe
        // request is recognised by packet type and format alone; the FCI is not parsed.
        var fir = Single(Hex.Decode("84 ce 00 04 00 00 00 05 00 00 00 00 00 00 ab cd 03 00 00 00"));

        Assert.Equal(RtcpPacketType.PayloadFeedback, fir.PacketType);
        Assert.Equal(RtcpPacketType.FormatFullIntraRequest, fir.Count);
        Assert.Equal(5u, fir.SenderSsrc);
        Assert.False(RtcpPictureLossIndication.TryParse(fir, out _, out _));
    }

    [Fact]
    public void Should_round_trip_REMB()
    {
        var buffer = new byte[64];
        var length = RtcpReceiverEstimatedMaxBitrate.Write(buffer, 9, 2_500_000, [0x11u, 0x22u]);
        Span<uint> ssrcs = stackalloc uint[4];
        var count = RtcpReceiverEstimatedMaxBitrate.Read(Single(buffer.AsSpan(0, length)), out var sender, out var bitrate, ssrcs);
        Assert.Equal(2, count);
        Assert.Equal(9u, sender);
        Assert.Equal(new uint[] { 0x11, 0x22 }, ssrcs[..2].ToArray());

        // 18-bit mantissa: 2,500,000 is not exactly representable; the error stays under one exponent step.
        Assert.InRange(bitrate, 2_499_000ul, 2_500_000ul);
    }

    [Fact]
    public void Should_accept_padding_on_a_packet_that_is_not_the_last()
    {
        // libwebrtc pads transport-cc feedback (RTPFB FMT 15) to 32 bits wherever it sits in the compound: here one
        // padding byte, then a receiver report.
        var datagram = Hex.Decode("""
            af cd 00 05 00 00 00 01 00 00 00 02
            00 05 00 01 00 00 01 00 20 01 04 01
            80 c9 00 01 00 00 00 07
            """);
        var reader = new RtcpCompoundReader(datagram);

        Assert.True(reader.TryReadNext(out var feedback));
        Assert.Equal((RtcpPacketType.TransportFeedback, RtcpPacketType.FormatTransportWideCc), (feedback.PacketType, feedback.Count));
        Assert.Equal(24, feedback.Packet.Length);
        Assert.Equal(19, feedback.Body.Length);
        Assert.True(reader.TryReadNext(out var rr));
        Assert.True(RtcpReceiverReport.TryParse(rr, out var report));
        Assert.Equal(7u, report.Ssrc);
        Assert.False(reader.TryReadNext(out _));
        Assert.False(reader.IsMalformed);
    }

    [Theory]
    [InlineData("81 c9 00 07 00 00 00 01")] // length says 32 bytes, 8 present
    [InlineData("41 c9 00 01 00 00 00 01")] // version 1
    [InlineData("a1 c9 00 01 00 00 00 00")] // padding count 0
    [InlineData("a1 c9 00 01 00 00 00 09")] // padding longer than the packet
    [InlineData("80 c9")] // shorter than a header
    public void Should_flag_malformed_compounds(string hex)
    {
        Assert.False(RtcpCompoundReader.IsValid(Hex.Decode(hex)));
    }

    [Fact]
    public void Should_refuse_typed_parses_that_overrun_the_body()
    {
        // SR claiming 2 report blocks with none present.
        Assert.False(RtcpSenderReport.TryParse(Single(Hex.Decode("82 c8 00 06 00 00 00 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00")), out _));

        // REMB listing 3 SSRCs with room for none.
        Assert.Equal(-1, RtcpReceiverEstimatedMaxBitrate.Read(Single(Hex.Decode("8f ce 00 04 00 00 00 01 00 00 00 00 52 45 4d 42 03 00 10 00")), out _, out _, new uint[4]));
    }
}
