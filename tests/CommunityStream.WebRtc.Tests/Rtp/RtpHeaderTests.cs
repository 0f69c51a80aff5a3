using CommunityStream.WebRtc.Rtp;

namespace CommunityStream.WebRtc.Tests.Rtp;

public class RtpHeaderTests
{
    [Fact]
    public void Should_read_a_header_with_CSRCs_one_byte_extensions_and_padding()
    {
        // V=2 P=1 X=1 CC=2, M=1 PT=96, seq 0x1234, ts 0xDEADBEEF, SSRC 0x01020304, CSRCs 5 and 6,
        // one-byte extension block: id 1 len 1 (0xAA), padding byte, id 3 len 3 (01 02 03 04) -> 8 bytes = 2 words,
        // payload "hi", then 2 bytes of padding (last byte = 2).
        var packet = Hex.Decode("""
            b2 e0 12 34 de ad be ef 01 02 03 04 00 00 00 05 00 00 00 06
            be de 00 02 10 aa 00 33 01 02 03 04
            68 69 00 02
            """);

        Assert.True(RtpHeader.TryRead(packet, out var header));
        Assert.True(header.Padding);
        Assert.True(header.HasExtension);
        Assert.True(header.Marker);
        Assert.Equal(96, header.PayloadType);
        Assert.Equal(0x1234, header.SequenceNumber);
        Assert.Equal(0xDEADBEEFu, header.Timestamp);
        Assert.Equal(0x01020304u, header.Ssrc);
        Assert.Equal(2, header.CsrcCount);
        Assert.Equal(6u, header.GetCsrc(packet, 1));
        Assert.Equal(32, header.HeaderLength);

        Assert.True(header.TryGetExtension(packet, 1, out var audioLevel));
        Assert.Equal([0xAA], audioLevel.ToArray());
        Assert.True(header.TryGetExtension(packet, 3, out var three));
        Assert.Equal([1, 2, 3, 4], three.ToArray());
        Assert.False(header.TryGetExtension(packet, 2, out _));

        Assert.True(header.TryGetPayload(packet, out var payload));
        Assert.Equal("hi"u8.ToArray(), payload.ToArray());
    }

    [Fact]
    public void Should_write_and_read_two_byte_extensions()
    {
        var buffer = new byte[100];
        var length = RtpHeader.Write(buffer, marker: false, payloadType: 111, sequenceNumber: 7, timestamp: 960, ssrc: 42);
        var extensions = new RtpHeaderExtensionWriter(buffer, length, twoByte: true);
        extensions.Add(1, "video0"u8);
        extensions.Add(200, []);
        extensions.Add(17, new byte[20]);
        length = extensions.Complete();

        Assert.True(RtpHeader.TryRead(buffer.AsSpan(0, length), out var header));
        Assert.Equal(length, header.HeaderLength);
        Assert.Equal(0x1000, header.ExtensionProfile);
        Assert.True(header.TryGetExtension(buffer, 1, out var mid));
        Assert.Equal("video0"u8.ToArray(), mid.ToArray());
        Assert.True(header.TryGetExtension(buffer, 200, out var empty));
        Assert.True(empty.IsEmpty);
        Assert.True(header.TryGetExtension(buffer, 17, out var long20));
        Assert.Equal(20, long20.Length);
    }

    [Fact]
    public void Should_write_one_byte_extensions_like_browsers()
    {
        var buffer = new byte[100];
        var length = RtpHeader.Write(buffer, true, 96, 1, 2, 3);
        var extensions = new RtpHeaderExtensionWriter(buffer, length, twoByte: false);
        extensions.Add(4, "0"u8); // mid
        extensions.Add(3, [0x00, 0x01]); // transport-wide sequence number
        length = extensions.Complete();

        Assert.Equal(Hex.Decode("90 e0 00 01 00 00 00 02 00 00 00 03 be de 00 02 40 30 31 00 01 00 00 00"), buffer[..length]);
        Assert.True(RtpHeader.TryRead(buffer.AsSpan(0, length), out var header));
        Assert.True(header.TryGetExtension(buffer, 3, out var twcc));
        Assert.Equal([0x00, 0x01], twcc.ToArray());
    }

    [Fact]
    public void Should_rewrite_ssrc_sequence_and_timestamp_in_place()
    {
        var buffer = new byte[20];
        RtpHeader.Write(buffer, false, 96, 1, 2, 3);
        RtpHeader.Rewrite(buffer, ssrc: 0xCAFEBABE, sequenceNumber: 65535, timestamp: 0xFFFFFFFF);
        RtpHeader.SetMarker(buffer, true);
        RtpHeader.SetPayloadType(buffer, 100);

        Assert.True(RtpHeader.TryRead(buffer, out var header));
        Assert.Equal(0xCAFEBABEu, header.Ssrc);
        Assert.Equal(65535, header.SequenceNumber);
        Assert.Equal(0xFFFFFFFFu, header.Timestamp);
        Assert.True(header.Marker);
        Assert.Equal(100, header.PayloadType);
    }

    [Theory]
    [InlineData("")]
    [InlineData("80 60 00 01 00 00 00 02 00 00 00")] // 11 bytes
    [InlineData("40 60 00 01 00 00 00 02 00 00 00 03")] // version 1
    [InlineData("82 60 00 01 00 00 00 02 00 00 00 03 00 00 00 04")] // CC=2, one CSRC present
    [InlineData("90 60 00 01 00 00 00 02 00 00 00 03 be de 00 01")] // extension length past the end
    public void Should_reject_truncated_or_invalid_headers(string hex)
    {
        Assert.False(RtpHeader.TryRead(Hex.Decode(hex), out _));
    }

    [Fact]
    public void Should_reject_impossible_padding()
    {
        var packet = Hex.Decode("a0 60 00 01 00 00 00 02 00 00 00 03 01 02 03 09");
        Assert.True(RtpHeader.TryRead(packet, out var header));
        Assert.False(header.TryGetPayload(packet, out _));
    }
}
