using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace CommunityStream.Web.Tests.Support;

/// <summary>
/// Posts chat messages (each acked) or sends a moderation action (answered by <c>mod_ok</c>) as a user over a real
/// WebSocket, with the protocol of docs/chat-protocol.md.
/// </summary>
internal static class ChatPoster
{
    public static async Task PostAsync(InProcessNode node, string username, string room, params string[] texts)
    {
        var token = await node.LoginAsync(username);
        using var socket = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await socket.ConnectAsync(node.WebSocketUri(token), timeout.Token);
        await SendAsync(socket, new { type = "join", room, history = 0 }, timeout.Token);
        await ReceiveUntilAsync(socket, "joined", timeout.Token);
        foreach (var text in texts)
        {
            await SendAsync(socket, new { type = "send", room, text, clientId = Guid.NewGuid().ToString("N") }, timeout.Token);
            await ReceiveUntilAsync(socket, "ack", timeout.Token);
        }
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
    }

    /// <summary>Sends one <c>mod</c> frame as <paramref name="username"/> (e.g. the owner's <c>add_moderator</c>) and waits for its <c>mod_ok</c>.</summary>
    public static async Task ModAsync(InProcessNode node, string username, string room, string action, string user)
    {
        var token = await node.LoginAsync(username);
        using var socket = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await socket.ConnectAsync(node.WebSocketUri(token), timeout.Token);
        await SendAsync(socket, new { type = "join", room, history = 0 }, timeout.Token);
        await ReceiveUntilAsync(socket, "joined", timeout.Token);
        await SendAsync(socket, new { type = "mod", room, action, user, @ref = "mod" }, timeout.Token);
        await ReceiveUntilAsync(socket, "mod_ok", timeout.Token);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
    }

    private static Task SendAsync(ClientWebSocket socket, object frame, CancellationToken cancel) =>
        socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(frame), WebSocketMessageType.Text, true, cancel);

    private static async Task ReceiveUntilAsync(ClientWebSocket socket, string type, CancellationToken cancel)
    {
        var buffer = new byte[64 * 1024];
        for (var frames = 0; frames < 1000; frames++)
        {
            using var message = new MemoryStream();
            WebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer, cancel);
                message.Write(buffer, 0, result.Count);
            }
            while (!result.EndOfMessage);
            foreach (var line in Encoding.UTF8.GetString(message.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var frame = JsonDocument.Parse(line).RootElement;
                var got = frame.GetProperty("type").GetString();
                Assert.NotEqual("error", got);
                if (got == type)
                {
                    return;
                }
            }
        }
        throw new InvalidOperationException($"no {type} frame");
    }
}
