using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Text;
using CommunityStream.Chat.Gateway.Framing;

namespace CommunityStream.Chat.Tests.Gateway;

/// <summary>The close frame Chat's own framing sends: a code a peer may receive, and a reason that is valid UTF-8 within 123 bytes.</summary>
public sealed class ClosePayloadTests
{
    [Theory]
    [InlineData(1005, 1000)]
    [InlineData(1006, 1011)]
    [InlineData(1015, 1011)]
    [InlineData(1000, 1000)]
    [InlineData(1008, 1008)]
    [InlineData(4008, 4008)]
    public void Should_never_send_a_code_reserved_for_local_use(int asked, int sent)
    {
        var payload = ChatWebSocket.ClosePayload((WebSocketCloseStatus)asked, "bye");
        Assert.Equal(sent, BinaryPrimitives.ReadUInt16BigEndian(payload));
        Assert.Equal("bye", Encoding.UTF8.GetString(payload.AsSpan(2)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Should_cut_a_long_reason_at_a_character_boundary_within_123_bytes(int lead)
    {
        // 'a' * lead, then 4-byte characters: every cut position relative to a character is tried.
        var reason = new string('a', lead) + string.Concat(Enumerable.Repeat("\U0001F600", 40));
        var payload = ChatWebSocket.ClosePayload(WebSocketCloseStatus.PolicyViolation, reason);
        var cut = payload.AsSpan(2).ToArray();

        Assert.InRange(cut.Length, 120, 123);
        var strict = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        var text = strict.GetString(cut);
        Assert.StartsWith(text, reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_keep_a_reason_that_fits_whole()
    {
        var reason = new string('é', 61); // 122 bytes
        var payload = ChatWebSocket.ClosePayload(WebSocketCloseStatus.NormalClosure, reason);
        Assert.Equal(reason, Encoding.UTF8.GetString(payload.AsSpan(2)));
    }
}
