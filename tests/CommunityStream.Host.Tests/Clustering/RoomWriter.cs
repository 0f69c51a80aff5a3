using System.Text.Json;
using CommunityStream.Host.Tests.Support;

namespace CommunityStream.Host.Tests.Clustering;

/// <summary>
/// Writes to rooms the way a well-behaved client does through a failure: join, post, and on no answer or
/// <c>unavailable</c> reconnect (alternating between two nodes) and resend with the same client id until acked.
/// </summary>
internal sealed class RoomWriter(HostProcess first, HostProcess second, string token)
{
    // Longer than the gateway's own ask (10 s): the server, not the client, repeats requests to a room that moves.
    private static readonly TimeSpan Ask = TimeSpan.FromSeconds(12);
    private int _clientIds;

    /// <summary>Posts one message to <paramref name="room"/> until it is acked or <paramref name="within"/> passed; records the ack.</summary>
    public async Task<bool> TryPostAsync(string room, string label, List<(long Offset, string Text)> acked, TimeSpan within)
    {
        var clientId = $"{label}-{room}-{Interlocked.Increment(ref _clientIds)}";
        var text = $"message {clientId}";
        var deadline = DateTime.UtcNow + within;
        for (var attempt = 0; DateTime.UtcNow < deadline; attempt++)
        {
            var node = attempt % 2 == 0 ? first : second;
            ChatSocket socket;
            try
            {
                socket = await ChatSocket.ConnectAsync(new Uri($"ws://{node.BaseAddress.Authority}/ws?access_token={Uri.EscapeDataString(token)}"));
            }
            catch (Exception ex) when (ex is System.Net.WebSockets.WebSocketException or OperationCanceledException)
            {
                await Task.Delay(100);
                continue;
            }
            using (socket)
            {
                while (DateTime.UtcNow < deadline)
                {
                    var joined = await socket.RequestAsync(new Dictionary<string, object> { ["type"] = "join", ["room"] = room, ["history"] = 0 }, Ask);
                    if (joined is not { } join || Type(join) == "error")
                    {
                        break;
                    }
                    var reply = await socket.PostAsync(room, text, clientId, Ask);
                    if (reply is not { } answer)
                    {
                        break;
                    }
                    if (Type(answer) == "ack")
                    {
                        acked.Add((answer.GetProperty("offset").GetInt64(), text));
                        return true;
                    }
                    await Task.Delay(answer.TryGetProperty("retryAfterMs", out var wait) ? wait.GetInt32() : 100);
                }
            }
            await Task.Delay(100);
        }
        return false;
    }

    private static string? Type(JsonElement frame) => frame.GetProperty("type").GetString();
}
