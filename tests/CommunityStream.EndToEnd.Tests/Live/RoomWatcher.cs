using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace CommunityStream.EndToEnd.Tests.Live;

/// <summary>An anonymous chat socket joined to one room that records the room's <c>stream</c> frames as they arrive.</summary>
internal sealed class RoomWatcher : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentQueue<(JsonElement Frame, DateTime At)> _frames = new();
    private Task _reader = Task.CompletedTask;

    private RoomWatcher(string channel) => Channel = channel;

    /// <summary>The room (a channel's room is named after it).</summary>
    public string Channel { get; }

    public static async Task<RoomWatcher> JoinAsync(InProcessNode node, string room)
    {
        var watcher = new RoomWatcher(room);
        await watcher._socket.ConnectAsync(node.WebSocketUri(), CancellationToken.None);
        watcher._reader = watcher.ReadAsync();
        await watcher._socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(new { type = "join", room, @ref = "j" }), WebSocketMessageType.Text, true, CancellationToken.None);
        await Eventually.True(() => watcher._frames.Any(f => f.Frame.GetProperty("type").GetString() == "joined"), TimeSpan.FromSeconds(15), $"joined {room}");
        return watcher;
    }

    /// <summary>When the room said <c>stream live:<paramref name="live"/></c>, or null if it has not.</summary>
    public DateTime? StreamSaid(bool live) =>
        _frames.Where(f => f.Frame.GetProperty("type").GetString() == "stream" && f.Frame.GetProperty("live").GetBoolean() == live)
            .Select(f => (DateTime?)f.At).FirstOrDefault();

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
                    return;
                }
                var at = DateTime.UtcNow;
                foreach (var line in Encoding.UTF8.GetString(buffer, 0, length).Split('\n', StringSplitOptions.RemoveEmptyEntries))
                {
                    _frames.Enqueue((JsonDocument.Parse(line).RootElement.Clone(), at));
                }
            }
        }
        catch (WebSocketException)
        {
            // Aborted at dispose.
        }
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Abort();
        await _reader.ContinueWith(_ => { }, TaskScheduler.Default);
        _socket.Dispose();
    }
}
