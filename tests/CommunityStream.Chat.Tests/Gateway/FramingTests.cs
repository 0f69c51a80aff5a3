using System.Buffers.Binary;
using System.Net;
using System.Text;
using CommunityStream.Chat.Tests.Support;

namespace CommunityStream.Chat.Tests.Gateway;

/// <summary>A node whose keep-alive wheel turns every second, for the framing tests.</summary>
public sealed class FramingNodeFixture : IAsyncLifetime
{
    internal InProcessNode Node { get; private set; } = null!;

    public async Task InitializeAsync() => Node = await InProcessNode.StartAsync("--Chat:KeepAliveSeconds", "1");

    public async Task DisposeAsync() => await Node.DisposeAsync();
}

/// <summary>
/// Chat's own RFC 6455 framing on sockets it accepted itself, over real loopback sockets with masked frames written
/// as the test chooses: fragments, control frames between them, the close handshake, and every close code a broken
/// rule calls for. Each socket has its own source address, so the per-address limit never mixes them.
/// </summary>
[Collection(SharedChatNode.Name)]
public sealed class FramingTests(ChatNodeFixture fixture)
{
    internal static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);
    private static int _nextSource = 1;

    [Fact]
    public async Task Should_join_a_fragmented_message_with_a_ping_between_its_fragments_and_a_character_split_across_them()
    {
        using var client = await UpgradedAsync();
        // The ref holds a three-byte character whose bytes go into two fragments.
        var message = Encoding.UTF8.GetBytes("{\"type\":\"ping\",\"ref\":\"a€b\"}");
        var split = Array.IndexOf(message, (byte)0xe2) + 1;
        await client.SendAsync(Frame(false, 0x1, message[..5]));
        await client.SendAsync(Frame(false, 0x0, message[5..split]));
        await client.SendAsync(Frame(true, 0x9, "hi"u8.ToArray()));
        await client.SendAsync(Frame(true, 0x0, message[split..]));

        var (opcode, payload) = await client.ReadFrameAsync(Wait);
        Assert.Equal(0xa, opcode);
        Assert.Equal("hi", Encoding.UTF8.GetString(payload));
        var reply = await NextTextAsync(client);
        Assert.Contains("\"pong\"", reply, StringComparison.Ordinal);
        Assert.Contains("\"ref\":\"a€b\"", reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_answer_a_close_with_a_close_and_end_the_connection()
    {
        using var client = await UpgradedAsync();
        var payload = new byte[2 + 4];
        BinaryPrimitives.WriteUInt16BigEndian(payload, 1000);
        "done"u8.CopyTo(payload.AsSpan(2));
        await client.SendAsync(Frame(true, 0x8, payload));
        Assert.Equal(1000, await client.ReadCloseAsync(Wait));
        Assert.True(await client.EndsWithinAsync(Wait), "the server kept the connection after the close handshake");
    }

    public static TheoryData<string, byte[], int> BrokenFrames => new()
    {
        { "unmasked", [0x81, 0x02, (byte)'{', (byte)'}'], 1002 },
        { "a reserved bit", Frame(true, 0x1 | 0x40, "{}"u8.ToArray()), 1002 },
        { "a reserved opcode", Frame(true, 0x3, "{}"u8.ToArray()), 1002 },
        { "a fragmented ping", Frame(false, 0x9, "x"u8.ToArray()), 1002 },
        { "a continuation with no message", Frame(true, 0x0, "{}"u8.ToArray()), 1002 },
        { "a new message inside a fragmented one", [.. Frame(false, 0x1, "{"u8.ToArray()), .. Frame(true, 0x1, "}"u8.ToArray())], 1002 },
        { "a close code nobody may send", Frame(true, 0x8, [0x03, 0xed]), 1002 },
        { "bad UTF-8", Frame(true, 0x1, [(byte)'"', 0xc3, 0x28, (byte)'"']), 1007 },
        { "a text message ending inside a character", [.. Frame(false, 0x1, [(byte)'"', 0xe2, 0x82]), .. Frame(true, 0x0, [])], 1007 },
        { "an overlong encoding", Frame(true, 0x1, [0xc0, 0xaf]), 1007 },
        { "fragments adding up past the limit", [.. Frame(false, 0x1, new byte[3000]), .. Frame(true, 0x0, new byte[2000])], 1009 },
    };

    [Theory]
    [MemberData(nameof(BrokenFrames))]
    public async Task Should_close_with_the_code_a_broken_rule_calls_for(string what, byte[] frames, int expected)
    {
        using var client = await UpgradedAsync();
        await client.SendAsync(frames);
        Assert.True(expected == await client.ReadCloseAsync(Wait), $"{what}: expected close {expected}");
        Assert.True(await client.EndsWithinAsync(Wait), $"{what}: the connection stayed open");
    }

    /// <summary>A masked client frame with a random key (RFC 6455 §5.3).</summary>
    internal static byte[] Frame(bool fin, int opcode, byte[] payload)
    {
        var header = RawSocket.FrameHeader(fin, opcode, (ulong)payload.Length);
        var key = new byte[4];
        Random.Shared.NextBytes(key);
        key.CopyTo(header, header.Length - 4);
        var masked = payload.Select((b, i) => (byte)(b ^ key[i % 4])).ToArray();
        return [.. header, .. masked];
    }

    private Task<RawSocket> UpgradedAsync() => UpgradedAsync(fixture.Node);

    internal static async Task<RawSocket> UpgradedAsync(InProcessNode node)
    {
        var source = IPAddress.Parse($"127.0.17.{Interlocked.Increment(ref _nextSource) % 250 + 1}");
        var client = await RawSocket.ConnectAsync(node, source);
        await client.UpgradeAsync();
        return client;
    }

    // The next text frame, past keep-alive pings.
    internal static async Task<string> NextTextAsync(RawSocket client)
    {
        while (true)
        {
            var (opcode, payload) = await client.ReadFrameAsync(Wait);
            if (opcode == 0x1)
            {
                return Encoding.UTF8.GetString(payload);
            }
        }
    }
}

/// <summary>
/// The node's keep-alive wheel (<c>Chat:KeepAliveSeconds</c> 1 here) on sockets Chat framed itself: a ping every
/// interval, and the end of a peer that answers nothing.
/// </summary>
[Collection(SharedChatNode.Name)]
public sealed class KeepAliveTests(FramingNodeFixture fixture) : IClassFixture<FramingNodeFixture>
{
    private static readonly TimeSpan Wait = FramingTests.Wait;

    [Fact]
    public async Task Should_ping_every_interval_and_end_a_peer_that_never_answers()
    {
        using var client = await FramingTests.UpgradedAsync(fixture.Node);
        var (opcode, _) = await client.ReadFrameAsync(Wait);
        Assert.Equal(0x9, opcode);
        // No pong, nothing at all: the next visit finds the peer silent since the ping.
        Assert.True(await client.EndsWithinAsync(Wait), "a silent peer was kept");
    }

    [Fact]
    public async Task Should_keep_a_peer_that_answers_every_ping()
    {
        using var client = await FramingTests.UpgradedAsync(fixture.Node);
        for (var pings = 0; pings < 4;)
        {
            var (opcode, payload) = await client.ReadFrameAsync(Wait);
            if (opcode == 0x9)
            {
                pings++;
                await client.SendAsync(FramingTests.Frame(true, 0xa, payload));
            }
        }
        // Still open and answering after four intervals.
        await client.SendAsync(FramingTests.Frame(true, 0x1, "{\"type\":\"ping\",\"ref\":\"alive\"}"u8.ToArray()));
        Assert.Contains("alive", await FramingTests.NextTextAsync(client), StringComparison.Ordinal);
    }
}
