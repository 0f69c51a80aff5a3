using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace CommunityStream.Chat.Tests.Support;

/// <summary>
/// A real <see cref="ClientWebSocket"/> speaking protocol v1: a background reader splits batched messages on
/// <c>\n</c> into frames; tests wait for frames matching a condition, with a deadline.
/// </summary>
internal sealed class ChatClient : IAsyncDisposable
{
    private static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(15);
    private readonly ClientWebSocket _socket;
    private readonly List<JsonElement> _seen = [];
    private readonly List<JsonElement> _pending = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _closed;
    private readonly Task? _reader;
    private int _ref;

    private ChatClient(ClientWebSocket socket, bool read)
    {
        _socket = socket;
        if (read)
        {
            _reader = Task.Run(ReadLoopAsync);
        }
    }

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public WebSocket Socket => _socket;

    public JsonElement Welcome { get; private set; }

    public static async Task<ChatClient> ConnectAsync(Uri uri, bool read = true, HttpMessageInvoker? invoker = null)
    {
        var socket = new ClientWebSocket();
        if (invoker is null)
        {
            await socket.ConnectAsync(uri, CancellationToken.None);
        }
        else
        {
            await socket.ConnectAsync(uri, invoker, CancellationToken.None);
        }
        var client = new ChatClient(socket, read);
        if (read)
        {
            client.Welcome = await client.NextAsync(f => f.GetProperty("type").GetString() == "welcome");
        }
        return client;
    }

    public async Task SendAsync(object frame) =>
        await SendRawAsync(JsonSerializer.SerializeToUtf8Bytes(frame));

    public async Task SendRawAsync(byte[] bytes, WebSocketMessageType type = WebSocketMessageType.Text) =>
        await _socket.SendAsync(bytes, type, endOfMessage: true, CancellationToken.None);

    public string NextRef() => (++_ref).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Sends a frame with a fresh <c>ref</c> and waits for the reply carrying it.</summary>
    public async Task<JsonElement> RequestAsync(Dictionary<string, object?> frame)
    {
        var reference = NextRef();
        frame["ref"] = reference;
        await SendAsync(frame);
        return await NextAsync(f => f.TryGetProperty("ref", out var r) && r.GetString() == reference);
    }

    public Task<JsonElement> JoinAsync(string room, object? recover = null, int? history = null)
    {
        var frame = new Dictionary<string, object?> { ["type"] = "join", ["room"] = room };
        if (recover is not null)
        {
            frame["recover"] = recover;
        }
        if (history is not null)
        {
            frame["history"] = history;
        }
        return RequestAsync(frame);
    }

    public Task<JsonElement> PostAsync(string room, string text, string? clientId = null) =>
        RequestAsync(new Dictionary<string, object?> { ["type"] = "send", ["room"] = room, ["text"] = text, ["clientId"] = clientId });

    public Task<JsonElement> ModerateAsync(string room, string action, Dictionary<string, object?>? fields = null)
    {
        var frame = new Dictionary<string, object?> { ["type"] = "mod", ["room"] = room, ["action"] = action };
        foreach (var (key, value) in fields ?? [])
        {
            frame[key] = value;
        }
        return RequestAsync(frame);
    }

    /// <summary>
    /// Takes the oldest unconsumed frame that matches, waiting for it; frames that do not match stay
    /// for later calls (and all frames stay in <see cref="Seen"/>).
    /// </summary>
    public async Task<JsonElement> NextAsync(Func<JsonElement, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultWait);
        while (true)
        {
            Task changed;
            lock (_seen)
            {
                var index = _pending.FindIndex(f => match(f));
                if (index >= 0)
                {
                    var frame = _pending[index];
                    _pending.RemoveAt(index);
                    return frame;
                }
                if (_closed)
                {
                    throw new InvalidOperationException($"The socket closed ({_socket.CloseStatus}) before a matching frame arrived; seen: {Describe()}");
                }
                changed = _changed.Task;
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || await Task.WhenAny(changed, Task.Delay(left)) != changed)
            {
                throw new TimeoutException($"No matching frame within {(timeout ?? DefaultWait).TotalSeconds} s; seen: {Describe()}");
            }
        }
    }

    private string Describe()
    {
        lock (_seen)
        {
            return string.Join(" | ", _seen.TakeLast(10).Select(f => f.GetRawText()));
        }
    }

    /// <summary>Message frames of <paramref name="room"/>, until <paramref name="count"/> have arrived.</summary>
    public async Task<List<JsonElement>> MessagesAsync(string room, int count, TimeSpan? timeout = null)
    {
        var messages = new List<JsonElement>();
        while (messages.Count < count)
        {
            messages.Add(await NextAsync(f => Is(f, "message") && f.GetProperty("room").GetString() == room, timeout));
        }
        return messages;
    }

    public IReadOnlyList<JsonElement> Seen
    {
        get
        {
            lock (_seen)
            {
                return [.. _seen];
            }
        }
    }

    public static bool Is(JsonElement frame, string type) => frame.GetProperty("type").GetString() == type;

    /// <summary>Reads everything until the server's close frame; returns the frames.</summary>
    public static async Task<(List<JsonElement> Frames, WebSocketCloseStatus? Status)> ReadToCloseAsync(ClientWebSocket socket, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var frames = new List<JsonElement>();
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, cancel.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return (frames, result.CloseStatus);
            }
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                frames.AddRange(Split(message.ToArray()));
                message.SetLength(0);
            }
        }
    }

    private static IEnumerable<JsonElement> Split(byte[] message) =>
        Encoding.UTF8.GetString(message).Split('\n').Select(line => JsonDocument.Parse(line).RootElement.Clone());

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage)
                {
                    continue;
                }
                var frames = Split(message.ToArray()).ToList();
                lock (_seen)
                {
                    _seen.AddRange(frames);
                    _pending.AddRange(frames);
                    Pulse();
                }
                message.SetLength(0);
            }
        }
        catch (WebSocketException)
        {
            // The server aborted; waiting tests see the channel close.
        }
        finally
        {
            lock (_seen)
            {
                _closed = true;
                Pulse();
            }
        }
    }

    private void Pulse()
    {
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.SetResult();
    }

    /// <summary>Waits until the server closed the socket; returns the close status.</summary>
    public async Task<WebSocketCloseStatus?> ClosedAsync(TimeSpan timeout)
    {
        if (_reader is not null)
        {
            await _reader.WaitAsync(timeout);
        }
        return _socket.CloseStatus;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", cancel.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // Already gone.
        }
        _socket.Dispose();
    }
}
