using System.Net.WebSockets;
using CommunityStream.Chat.Delivery;

namespace CommunityStream.Chat.Tests.Delivery;

/// <summary>Server frames framed once for every socket, read back by .NET's own WebSocket client.</summary>
public sealed class WireFrameTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(125)]
    [InlineData(126)]
    [InlineData(65_535)]
    [InlineData(65_536)]
    [InlineData(200_000)]
    public async Task Should_frame_every_payload_length_as_one_final_unmasked_text_message(int length)
    {
        var payload = Enumerable.Range(0, length).Select(i => (byte)('a' + (i % 26))).ToArray();
        var frame = WireFrame.Text(payload);

        Assert.Equal(payload, frame.Payload.ToArray());
        using var client = WebSocket.CreateFromStream(new MemoryStream(frame.Bytes), new WebSocketCreationOptions { IsServer = false });
        var buffer = new byte[length + 1];
        var result = await client.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
        var received = result.Count;
        while (!result.EndOfMessage)
        {
            result = await client.ReceiveAsync(buffer.AsMemory(received), CancellationToken.None);
            received += result.Count;
        }

        Assert.Equal(WebSocketMessageType.Text, result.MessageType);
        Assert.Equal(payload, buffer[..received]);
    }
}
