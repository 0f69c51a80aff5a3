using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace CommunityStream.Host.Tests.Support;

/// <summary>A bare chat WebSocket: reads the welcome, can join a room, and reports how and when the server closed it.</summary>
internal sealed class ChatSocket : IDisposable
{
    private readonly ClientWebSocket _socket;

    private int _ref;

    private ChatSocket(ClientWebSocket socket) => _socket = socket;

    public static async Task<ChatSocket> ConnectAsync(Uri uri)
    {
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(uri, CancellationToken.None);
        var chat = new ChatSocket(socket);
        await chat.NextFrameOfTypeAsync("welcome");
        return chat;
    }

    /// <summary>The HTTP status of a refused upgrade (101 if it was accepted).</summary>
    public static async Task<HttpStatusCode> TryUpgradeAsync(Uri uri)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        try
        {
            await socket.ConnectAsync(uri, CancellationToken.None);
            return HttpStatusCode.SwitchingProtocols;
        }
        catch (WebSocketException)
        {
            return socket.HttpStatusCode;
        }
    }

    public async Task JoinAsync(string room)
    {
        await _socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(new { type = "join", room, @ref = "1" }), WebSocketMessageType.Text, true, CancellationToken.None);
        await NextFrameOfTypeAsync("joined");
    }

    /// <summary>Posts <paramref name="text"/>; the reply (<c>ack</c> or <c>error</c>), or null after <paramref name="timeout"/>.</summary>
    public Task<JsonElement?> PostAsync(string room, string text, string clientId, TimeSpan timeout) =>
        RequestAsync(new Dictionary<string, object> { ["type"] = "send", ["room"] = room, ["text"] = text, ["clientId"] = clientId }, timeout);

    /// <summary>
    /// Sends <paramref name="frame"/> with a fresh ref and returns the reply carrying it, or null when none came within
    /// <paramref name="timeout"/> (the socket is then aborted: a cancelled receive ends a WebSocket). Other frames are skipped.
    /// </summary>
    public async Task<JsonElement?> RequestAsync(Dictionary<string, object> frame, TimeSpan timeout)
    {
        var reference = "r" + Interlocked.Increment(ref _ref).ToString(System.Globalization.CultureInfo.InvariantCulture);
        frame["ref"] = reference;
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(frame), WebSocketMessageType.Text, true, deadline.Token);
            while (true)
            {
                foreach (var reply in await NextFramesAsync(deadline.Token))
                {
                    if (reply.TryGetProperty("ref", out var r) && r.GetString() == reference)
                    {
                        return reply;
                    }
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            return null;
        }
    }

    /// <summary>Reads until the server's close frame; calls <paramref name="onClose"/> the moment it arrives.</summary>
    public async Task<WebSocketCloseStatus?> ReadUntilClosedAsync(Action onClose)
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer, CancellationToken.None);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                onClose();
                return result.CloseStatus;
            }
        }
    }

    public void Dispose() => _socket.Dispose();

    private async Task NextFrameOfTypeAsync(string type)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var length = 0;
            ValueWebSocketReceiveResult result;
            do
            {
                result = await _socket.ReceiveAsync(buffer.AsMemory(length), timeout.Token);
                length += result.Count;
            }
            while (!result.EndOfMessage);
            // The server batches frames as newline-separated JSON.
            foreach (var line in Encoding.UTF8.GetString(buffer, 0, length).Split('\n'))
            {
                using var frame = JsonDocument.Parse(line);
                if (frame.RootElement.GetProperty("type").GetString() == type)
                {
                    return;
                }
            }
        }
    }

    private async Task<List<JsonElement>> NextFramesAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        var length = 0;
        ValueWebSocketReceiveResult result;
        do
        {
            result = await _socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken);
            length += result.Count;
        }
        while (!result.EndOfMessage);
        return [.. Encoding.UTF8.GetString(buffer, 0, length).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement.Clone())];
    }
}
