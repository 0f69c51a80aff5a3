using System.Text;

namespace CommunityStream.LoadGen.Tests;

public class WebSocketFramesTests
{
    [Fact]
    public void Rfc6455_unmasked_hello_decodes()
    {
        // RFC 6455 §5.7: a single-frame unmasked text message "Hello".
        byte[] frame = [0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f];
        Assert.True(WebSocketFrames.TryReadHeader(frame, out var h));
        Assert.Equal(new FrameHeader(true, WebSocketFrames.Text, false, 2, 5), h);
        Assert.Equal("Hello", Encoding.ASCII.GetString(frame, h.HeaderLength, (int)h.PayloadLength));
    }

    [Fact]
    public void Rfc6455_masked_hello_encodes()
    {
        // RFC 6455 §5.7: the same message masked with key 37 fa 21 3d.
        var buffer = new byte[32];
        var n = WebSocketFrames.WriteMaskedFrame(buffer, WebSocketFrames.Text, "Hello"u8, 0x37fa213d);
        Assert.Equal(new byte[] { 0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58 }, buffer[..n]);
    }

    [Theory]
    [InlineData(125)]
    [InlineData(126)]
    [InlineData(65535)]
    [InlineData(65536)]
    public void Extended_lengths_round_trip(int length)
    {
        var payload = new byte[length];
        var buffer = new byte[WebSocketFrames.MaxEncodedLength(length)];
        var n = WebSocketFrames.WriteMaskedFrame(buffer, WebSocketFrames.Binary, payload, 1);
        Assert.True(WebSocketFrames.TryReadHeader(buffer.AsSpan(0, n), out var h));
        Assert.Equal(length, h.PayloadLength);
        Assert.True(h.Masked);
        Assert.Equal(n, h.HeaderLength + length);
        Assert.False(WebSocketFrames.TryReadHeader(buffer.AsSpan(0, h.HeaderLength - 1), out _));
    }

    [Fact]
    public void Upgrade_response_is_checked()
    {
        // RFC 6455 §1.3 example key and accept value.
        const string key = "dGhlIHNhbXBsZSBub25jZQ==";
        Assert.Null(ChatConnection.CheckUpgradeResponse("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", key));
        Assert.Equal("bad-accept", ChatConnection.CheckUpgradeResponse("HTTP/1.1 101 Switching Protocols\r\nSec-WebSocket-Accept: nope", key));
        Assert.Equal("http-429", ChatConnection.CheckUpgradeResponse("HTTP/1.1 429 Too Many Requests", key));
    }
}
