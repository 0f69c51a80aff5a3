using System.Net.WebSockets;
using System.Text;

namespace CommunityStream.Failover;

/// <summary>
/// One chat WebSocket (protocol v1) over <see cref="ClientWebSocket"/>: the bench holds a few hundred, so the
/// framework client is cheap enough. Receives return whole messages; the server may batch frames as NDJSON.
/// </summary>
internal sealed class ChatSocket : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly byte[] _buffer = new byte[16 * 1024];

    /// <summary>Why the socket ended: a close code (<c>1001</c>), <c>abort</c> (reset, process gone), <c>stall</c> or <c>client</c>.</summary>
    public string? EndReason { get; private set; }

    public static async Task<ChatSocket> ConnectAsync(Uri uri, string? token, TimeSpan timeout, CancellationToken stop)
    {
        var socket = new ChatSocket();
        if (token is not null)
        {
            socket._socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        }

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(stop);
        cts.CancelAfter(timeout);
        try
        {
            await socket._socket.ConnectAsync(uri, cts.Token);
            return socket;
        }
        catch
        {
            await socket.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sends one JSON object as a text frame; false when the socket is gone.</summary>
    public async Task<bool> SendAsync(string json)
    {
        await _sendLock.WaitAsync();
        try
        {
            if (_socket.State != WebSocketState.Open)
            {
                return false;
            }

            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, cts.Token);
            return true;
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            return false;
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>
    /// The next whole message's JSON lines, or null when the socket ended (see <see cref="EndReason"/>); a silence
    /// longer than <paramref name="idle"/> ends it as <c>stall</c>.
    /// </summary>
    public async Task<IReadOnlyList<string>?> ReceiveAsync(TimeSpan idle, CancellationToken stop)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(stop);
        cts.CancelAfter(idle);
        var text = new StringBuilder();
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(_buffer, cts.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    EndReason ??= ((int?)result.CloseStatus)?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "1005";
                    return null;
                }

                text.Append(Encoding.UTF8.GetString(_buffer, 0, result.Count));
                if (result.EndOfMessage)
                {
                    return text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
                }
            }
        }
        catch (OperationCanceledException)
        {
            EndReason ??= stop.IsCancellationRequested ? "client" : "stall";
            return null;
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or IOException)
        {
            EndReason ??= "abort";
            return null;
        }
    }

    /// <summary>Drops the connection from the client side (a dead peer that sends no reset); the receive ends with <paramref name="reason"/>.</summary>
    public void Abort(string reason)
    {
        EndReason ??= reason;
        _socket.Abort();
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
            {
                // The server is gone already.
            }
        }

        _socket.Abort();
        _socket.Dispose();
        _sendLock.Dispose();
    }
}
