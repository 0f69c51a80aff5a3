using CommunityStream.WebRtc.Rtcp;

namespace CommunityStream.WebRtc.Tests;

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
        var buffer = new byte[512];
        var block = new RtcpReportBlock(0xAAAA, 25, -3, 70000, 12, 0x11112222, 655);
        var length = RtcpSenderReport.Write(buffer, 0x1234, 0x0102030405060708, 90000, 10, 12000, [block]);
        length += RtcpSourceDescription.WriteCname(buffer.AsSpan(length), 0x1234, "user@host"u8);
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
        Assert.True(RtcpSourceDescription.TryGetCname(sdes, 0, out var ssrc, out var cname));
        Assert.Equal(0x1234u, ssrc);
        Assert.Equal("user@host"u8.ToArray(), cname.ToArray());

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
    public void Should_round_trip_PLI_and_FIR()
    {
        var buffer = new byte[64];
        var length = RtcpPictureLossIndication.Write(buffer, 5, 6);
        Assert.Equal(Hex.Decode("81 ce 00 02 00 00 00 05 00 00 00 06"), buffer[..length]);
        Assert.True(RtcpPictureLossIndication.TryParse(Single(buffer.AsSpan(0, length)), out var sender, out var media));
        Assert.Equal((5u, 6u), (sender, media));

        length = RtcpFullIntraRequest.Write(buffer, 5, [(0xABCDu, (byte)3)]);
        Span<(uint, byte)> entries = stackalloc (uint, byte)[4];
        Assert.Equal(1, RtcpFullIntraRequest.Read(Single(buffer.AsSpan(0, length)), out sender, entries));
        Assert.Equal((0xABCDu, (byte)3), entries[0]);
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
    public void Should_round_trip_transport_wide_cc_feedback()
    {
        TransportFeedbackStatus[] statuses =
        [
            new(1000, TransportFeedbackSymbol.SmallDelta, 4),
            new(1001, TransportFeedbackSymbol.NotReceived, 0),
            new(1002, TransportFeedbackSymbol.LargeDelta, -20),
            new(1003, TransportFeedbackSymbol.SmallDelta, 255),
            new(1004, TransportFeedbackSymbol.SmallDelta, 0),
            new(1005, TransportFeedbackSymbol.SmallDelta, 1),
            new(1006, TransportFeedbackSymbol.SmallDelta, 2),
            new(1007, TransportFeedbackSymbol.LargeDelta, 1000),
        ];
        var buffer = new byte[128];
        var length = RtcpTransportFeedback.Write(buffer, 1, 2, 1000, -5, 7, statuses);
        Assert.Equal(0, length % 4);

        var packet = Single(buffer.AsSpan(0, length));
        Assert.True(RtcpTransportFeedback.TryReadHeader(packet, out _, out var media, out var baseSeq, out var count, out var reference, out var fbCount));
        Assert.Equal((2u, (ushort)1000, (ushort)8, -5, (byte)7), (media, baseSeq, count, reference, fbCount));

        var decoded = new TransportFeedbackStatus[16];
        Assert.Equal(8, RtcpTransportFeedback.ReadStatuses(packet, decoded));
        Assert.Equal(statuses, decoded[..8]);
    }

    [Fact]
    public void Should_read_run_length_and_one_bit_vector_chunks_from_libwebrtc_style_feedback()
    {
        // base 5, count 16, ref time 1, fb count 0; run-length chunk: 2 x small delta (0x2002);
        // one-bit vector chunk with 14 symbols, alternating received/not (0xAAAA: bits 13..0 = 1010...); deltas 2 + 7 bytes.
        var packet = Hex.Decode("""
            8f cd 00 08 00 00 00 01 00 00 00 02
            00 05 00 10 00 00 01 00
            20 02 aa aa
            01 02 03 04 05 06 07 08 09 00 00 00
            """);
        var statuses = new TransportFeedbackStatus[16];
        Assert.Equal(16, RtcpTransportFeedback.ReadStatuses(Single(packet), statuses));
        Assert.Equal(new TransportFeedbackStatus(5, TransportFeedbackSymbol.SmallDelta, 1), statuses[0]);
        Assert.Equal(new TransportFeedbackStatus(6, TransportFeedbackSymbol.SmallDelta, 2), statuses[1]);
        Assert.Equal(new TransportFeedbackStatus(7, TransportFeedbackSymbol.SmallDelta, 3), statuses[2]);
        Assert.Equal(TransportFeedbackSymbol.NotReceived, statuses[3].Symbol);
        Assert.Equal(new TransportFeedbackStatus(9, TransportFeedbackSymbol.SmallDelta, 4), statuses[4]);
        Assert.Equal(TransportFeedbackSymbol.NotReceived, statuses[15].Symbol);
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

        // transport-cc announcing 100 statuses with a single chunk.
        var twcc = Hex.Decode("8f cd 00 05 00 00 00 01 00 00 00 02 00 05 00 64 00 00 01 00 20 02 00 00");
        Assert.Equal(-1, RtcpTransportFeedback.ReadStatuses(Single(twcc), new TransportFeedbackStatus[128]));
    }
}
