using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace CommunityStream.Host.Tests.Admin;

/// <summary>A chat WebSocket that records every frame it receives and how the server closed it.</summary>
internal sealed class ChatClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentQueue<JsonElement> _frames = new();
    private readonly TaskCompletionSource<WebSocketCloseStatus?> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _reader = Task.CompletedTask;
    private int _ref;

    public static async Task<ChatClient> ConnectAsync(Uri uri)
    {
        var client = new ChatClient();
        await client._socket.ConnectAsync(uri, CancellationToken.None);
        client._reader = client.ReadAsync();
        await client.WaitForAsync(f => Type(f) == "welcome", "welcome");
        return client;
    }

    /// <summary>How the server closed the socket, once it has.</summary>
    public Task<WebSocketCloseStatus?> Closed => _closed.Task;

    public string? CloseReason => _socket.CloseStatusDescription;

    public IReadOnlyList<JsonElement> Frames => [.. _frames];

    /// <summary>Sends a frame with a fresh ref and waits for the frame answering it.</summary>
    public async Task<JsonElement> RequestAsync(object frame)
    {
        var reference = "r" + Interlocked.Increment(ref _ref);
        var fields = JsonSerializer.SerializeToElement(frame).EnumerateObject().ToDictionary(p => p.Name, p => (object)p.Value);
        fields["ref"] = reference;
        await _socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(fields), WebSocketMessageType.Text, true, CancellationToken.None);
        return await WaitForAsync(f => f.TryGetProperty("ref", out var r) && r.GetString() == reference, "a reply to " + reference);
    }

    public Task<JsonElement> JoinAsync(string room) => RequestAsync(new { type = "join", room });

    public Task<JsonElement> PostAsync(string room, string text) => RequestAsync(new { type = "send", room, text, clientId = Guid.NewGuid().ToString("N") });

    public async Task<JsonElement> WaitForAsync(Func<JsonElement, bool> match, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (DateTime.UtcNow < deadline)
        {
            var found = _frames.Where(match).ToList();
            if (found.Count > 0)
            {
                return found[0];
            }
            await Task.Delay(20);
        }
        throw new TimeoutException($"no chat frame: {what}; got {string.Join(" | ", _frames.Select(f => f.GetRawText()))}");
    }

    public static string? Type(JsonElement frame) => frame.TryGetProperty("type", out var t) ? t.GetString() : null;

    private async Task ReadAsync()
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var length = 0;
                WebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(new ArraySegment<byte>(buffer, length, buffer.Length - length), CancellationToken.None);
                    length += result.Count;
                }
                while (!result.EndOfMessage);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    _closed.TrySetResult(result.CloseStatus);
                    return;
                }
                foreach (var line in Encoding.UTF8.GetString(buffer, 0, length).Split('\n', StringSplitOptions.RemoveEmptyEntries))
                {
                    _frames.Enqueue(JsonDocument.Parse(line).RootElement.Clone());
                }
            }
        }
        catch (WebSocketException)
        {
            _closed.TrySetResult(null);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Abort();
        await _reader.ContinueWith(_ => { }, TaskScheduler.Default);
        _socket.Dispose();
    }
}
