using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using CommunityStream.Chat.Tests.Support;

namespace CommunityStream.Chat.Tests.Gateway;

/// <summary>Bad input and slow readers: errors and close codes from the protocol doc, and nothing acknowledged is lost.</summary>
[Collection(SharedChatNode.Name)]
public sealed class AbuseTests(ChatNodeFixture fixture)
{
    private InProcessNode Node => fixture.Node;


    [Fact]
    public async Task Should_answer_bad_frames_with_error_codes_and_close_repeated_abuse_with_4029()
    {
        await using var client = await ChatClient.ConnectAsync(Node.WebSocketUri(fixture.BobToken));

        await client.SendRawAsync(Encoding.UTF8.GetBytes("{\"type\":"));
        Assert.Equal("bad_json", (await client.NextAsync(f => ChatClient.Is(f, "error"))).GetProperty("code").GetString());
        // Invalid UTF-8 in a binary frame is bad JSON; in a text frame RFC 6455 §8.1 fails the connection (1007, below).
        await client.SendRawAsync([.. "{\"type\":\"send\",\"text\":\""u8, 0xC3, 0x28, .. "\"}"u8], WebSocketMessageType.Binary);
        Assert.Equal("bad_json", (await client.NextAsync(f => ChatClient.Is(f, "error"))).GetProperty("code").GetString());
        await client.SendAsync(new { type = "dance", @ref = "x" });
        var unknown = await client.NextAsync(f => ChatClient.Is(f, "error"));
        Assert.Equal("unknown_type", unknown.GetProperty("code").GetString());
        Assert.Equal("x", unknown.GetProperty("ref").GetString());
        await client.SendAsync(new { type = "send", room = 5 });
        Assert.Equal("bad_frame", (await client.NextAsync(f => ChatClient.Is(f, "error"))).GetProperty("code").GetString());
        await client.SendAsync(new { type = "send", room = "nowhere", text = "hi" });
        Assert.Equal("not_joined", (await client.NextAsync(f => ChatClient.Is(f, "error"))).GetProperty("code").GetString());
        Assert.Equal("pong", (await client.RequestAsync(new() { ["type"] = "ping" })).GetProperty("type").GetString());

        for (var i = 0; i < 10; i++)
        {
            await client.SendRawAsync("not json"u8.ToArray());
        }
        Assert.Equal((WebSocketCloseStatus)4029, await client.ClosedAsync(TimeSpan.FromSeconds(15)));
    }

    [Fact]
    public async Task Should_fail_a_connection_that_sends_invalid_utf8_in_a_text_frame_with_1007()
    {
        await using var client = await ChatClient.ConnectAsync(Node.WebSocketUri(fixture.BobToken));

        await client.SendRawAsync([.. "{\"type\":\"ping\",\"x\":\""u8, 0xFF, .. "\"}"u8]);

        Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, await client.ClosedAsync(TimeSpan.FromSeconds(15)));
        await using var next = await ChatClient.ConnectAsync(Node.WebSocketUri(fixture.BobToken));
        Assert.Equal("pong", (await next.RequestAsync(new() { ["type"] = "ping" })).GetProperty("type").GetString());
    }

    [Fact]
    public async Task Should_close_with_1009_on_a_frame_over_the_limit()
    {
        await using var client = await ChatClient.ConnectAsync(Node.WebSocketUri(fixture.BobToken));

        await client.SendRawAsync(Encoding.UTF8.GetBytes("{\"type\":\"ping\",\"pad\":\"" + new string('x', 5000) + "\"}"));

        Assert.Equal("frame_too_large", (await client.NextAsync(f => ChatClient.Is(f, "error"))).GetProperty("code").GetString());
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, await client.ClosedAsync(TimeSpan.FromSeconds(15)));
    }

    [Fact]
    public async Task Should_close_a_reader_that_falls_behind_with_4008_without_slowing_the_room()
    {
        var room = await fixture.NewRoomAsync();
        // A tiny receive buffer so the kernel cannot hide a client that never reads.
        using var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancel) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096, NoDelay = true };
                await socket.ConnectAsync(context.DnsEndPoint, cancel);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        using var invoker = new HttpMessageInvoker(handler);
        await using var slow = await ChatClient.ConnectAsync(Node.WebSocketUri(fixture.CarolToken), read: false, invoker);
        await slow.SendAsync(new { type = "join", room });
        await using var poster = await ChatClient.ConnectAsync(Node.WebSocketUri(fixture.BobToken));
        await poster.JoinAsync(room);
        await Eventually.True(() => PresenceAsync(room).Result == 2, TimeSpan.FromSeconds(10), "both members to be counted");

        // 500 three-byte characters: big frames fill the buffers sooner. Batches of 10 keep the
        // poster's own acks and echoes well inside its 32-frame queue.
        var text = new string('€', 500);
        var posted = 0;
        while (await PresenceAsync(room) > 1)
        {
            Assert.True(posted < 20_000, "the slow reader was never dropped");
            var batch = Enumerable.Range(posted, 10).Select(i => $"p-{i}").ToArray();
            foreach (var reference in batch)
            {
                await poster.SendAsync(new { type = "send", room, text, @ref = reference });
            }
            foreach (var reference in batch)
            {
                var ack = await poster.NextAsync(f => f.TryGetProperty("ref", out var r) && r.GetString() == reference);
                Assert.Equal("ack", ack.GetProperty("type").GetString());
            }
            posted += batch.Length;
        }

        // The room kept going for the poster, and the slow reader finds 4008 after what it was sent.
        Assert.Equal(posted, (await poster.MessagesAsync(room, posted)).Count);
        var (frames, status) = await ChatClient.ReadToCloseAsync((ClientWebSocket)slow.Socket, TimeSpan.FromSeconds(30));
        Assert.Equal((WebSocketCloseStatus)4008, status);
        Assert.True(frames.Count(f => ChatClient.Is(f, "message")) < posted);
    }

    [Fact]
    public async Task Should_survive_random_malformed_frames_and_keep_every_acknowledged_message()
    {
        var room = await fixture.NewRoomAsync();
        var random = new Random(20261126);
        var acked = new HashSet<long>();
        for (var connection = 0; connection < 6; connection++)
        {
            await using var client = await ChatClient.ConnectAsync(Node.WebSocketUri(fixture.BobToken));
            await client.JoinAsync(room);
            // Fewer than 10 bad frames per connection, so the abuse close does not end the run early.
            for (var i = 0; i < 8; i++)
            {
                var (garbage, valid) = Garbage(random);
                // Text frames must be UTF-8 (else RFC 6455 fails the connection, tested above); anything goes in binary.
                await client.SendRawAsync(garbage, valid && random.Next(2) == 0 ? WebSocketMessageType.Text : WebSocketMessageType.Binary);
                var ack = await client.PostAsync(room, $"ok {connection}/{i}", $"k-{connection}-{i}");
                Assert.Equal("ack", ack.GetProperty("type").GetString());
                acked.Add(ack.GetProperty("offset").GetInt64());
            }
            Assert.Equal(8, client.Seen.Count(f => ChatClient.Is(f, "error")));
        }

        await using var reader = await ChatClient.ConnectAsync(Node.WebSocketUri(null));
        var joined = await reader.JoinAsync(room, history: 100);
        Assert.Equal(acked.Order(), joined.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("offset").GetInt64()));
    }

    private static (byte[] Bytes, bool ValidUtf8) Garbage(Random random)
    {
        string[] templates =
        [
            "{\"type\":\"send\",\"room\":",
            "{\"type\":\"nope\"}",
            "[1,2,3]",
            "{\"type\":\"join\",\"room\":\"x\",\"recover\":5}",
            "{\"type\":\"mod\",\"room\":\"r\",\"action\":7}",
            "{\"type\":\"send\",\"room\":\"r\",\"text\":\"hi\",\"clientId\":\"" + new string('c', 80) + "\"}",
            "null",
            "{\"ref\":{}}",
        ];
        return random.Next(3) switch
        {
            0 => (Encoding.UTF8.GetBytes(templates[random.Next(templates.Length)]), true),
            1 => ([.. "{\"type\":\"send\",\"text\":\""u8, (byte)(0x80 + random.Next(0x40)), (byte)0xFF, .. "\"}"u8], false),
            _ => (RandomBytes(random), false),
        };
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(1, 3000)];
        random.NextBytes(bytes);
        // Never valid JSON by accident: a JSON text cannot start with 0x01.
        bytes[0] = 0x01;
        return bytes;
    }

    private async Task<int> PresenceAsync(string room)
    {
        using var response = await Node.Http.GetAsync($"/api/rooms/{room}");
        using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync());
        return body.RootElement.GetProperty("presence").GetProperty("count").GetInt32();
    }
}
