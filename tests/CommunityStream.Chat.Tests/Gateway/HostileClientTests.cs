using System.Globalization;
using System.Net;
using CommunityStream.Chat.Tests.Support;

namespace CommunityStream.Chat.Tests.Gateway;

/// <summary>
/// What a hostile client tried (issue 17, hardening 1 and 5), over real loopback sockets against a node with short
/// limits: unfinished upgrade heads are timed out, every accepted socket counts against the per-address limit, and an
/// unfinished or oversized message closes the socket. Each test has its own node and source address.
/// </summary>
[Collection(SharedChatNode.Name)]
public sealed class HostileClientTests
{
    private const int PerAddress = 5;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Should_close_silent_and_unfinished_upgrade_heads_within_the_head_timeout()
    {
        await using var node = await StartAsync("--Chat:RequestHeadTimeoutSeconds", "2");
        var source = IPAddress.Parse("127.0.0.3");
        using var silent = await RawSocket.ConnectAsync(node, source);
        using var letter = await RawSocket.ConnectAsync(node, source);
        await letter.SendAsync("G");
        using var requestLine = await RawSocket.ConnectAsync(node, source);
        await requestLine.SendAsync("GET /ws HTTP/1.1\r\n");

        foreach (var socket in new[] { silent, letter, requestLine })
        {
            Assert.True(await socket.EndsWithinAsync(Wait), "an unfinished head held the socket open");
        }
        // A request that had begun is told why; a connection that never spoke is closed as an idle one.
        Assert.StartsWith("HTTP/1.1 408", letter.Received, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 408", requestLine.Received, StringComparison.Ordinal);
        Assert.Equal("", silent.Received);
    }

    [Fact]
    public async Task Should_refuse_the_socket_over_the_per_address_limit_while_silent_ones_are_held()
    {
        await using var node = await StartAsync();
        var source = IPAddress.Parse("127.0.0.4");
        var held = new List<RawSocket>();
        try
        {
            for (var i = 0; i < PerAddress; i++)
            {
                held.Add(await RawSocket.ConnectAsync(node, source));
                await held[i].SendAsync("GET /ws HTTP/1.1\r\n");
            }
            // The node counts at accept, which a client's connect does not wait for: the next one is refused as soon
            // as the held ones are all counted.
            using (var refused = await RawSocket.ConnectAsync(node, source))
            {
                await refused.SendAsync(RawSocket.UpgradeHead);
                Assert.StartsWith("HTTP/1.1 429", await refused.ReadHeadAsync(Wait), StringComparison.Ordinal);
                Assert.True(await refused.EndsWithinAsync(Wait), "the refused socket stayed open");
            }

            // The held ones are still served: one finishes its upgrade.
            await held[0].SendAsync(RawSocket.UpgradeHead["GET /ws HTTP/1.1\r\n".Length..]);
            Assert.StartsWith("HTTP/1.1 101", await held[0].ReadHeadAsync(Wait), StringComparison.Ordinal);
        }
        finally
        {
            held.ForEach(socket => socket.Dispose());
        }

        // Closed sockets give their slots back.
        await Eventually.Until(
            async () =>
            {
                using var again = await RawSocket.ConnectAsync(node, source);
                await again.SendAsync(RawSocket.UpgradeHead);
                return await again.ReadHeadAsync(Wait);
            },
            head => head.StartsWith("HTTP/1.1 101", StringComparison.Ordinal),
            Wait,
            "a slot after the held sockets closed");
    }

    [Fact]
    public async Task Should_close_a_fragmented_message_that_never_finishes_with_1008_within_the_timeout()
    {
        await using var node = await StartAsync("--Chat:MessageTimeoutSeconds", "2");
        using var socket = await RawSocket.ConnectAsync(node, IPAddress.Parse("127.0.0.5"));
        await socket.UpgradeAsync();

        await socket.SendAsync([.. RawSocket.FrameHeader(fin: false, opcode: 1, 5), .. "{\"typ"u8]);

        Assert.Equal(1008, await socket.ReadCloseAsync(Wait));
        Assert.True(await socket.EndsWithinAsync(Wait), "the socket stayed open after the close");
    }

    [Fact]
    public async Task Should_close_with_1009_at_once_on_a_frame_header_announcing_2_to_the_62_bytes()
    {
        // The message timeout is far away: the close must come from the header alone.
        await using var node = await StartAsync("--Chat:MessageTimeoutSeconds", "120");
        using var socket = await RawSocket.ConnectAsync(node, IPAddress.Parse("127.0.0.6"));
        await socket.UpgradeAsync();

        await socket.SendAsync(RawSocket.FrameHeader(fin: true, opcode: 1, 1UL << 62));

        Assert.Equal(1009, await socket.ReadCloseAsync(Wait));
        Assert.True(await socket.EndsWithinAsync(Wait), "the socket stayed open after the close");
    }

    [Fact]
    public async Task Should_close_with_1009_when_fragments_add_up_to_more_than_the_limit()
    {
        await using var node = await StartAsync("--Chat:MessageTimeoutSeconds", "120");
        using var socket = await RawSocket.ConnectAsync(node, IPAddress.Parse("127.0.0.7"));
        await socket.UpgradeAsync();

        // Three fragments of 2,000 bytes each fit the 4,096-byte limit alone, not together; a ping between them is allowed.
        var fragment = new byte[2000];
        Array.Fill(fragment, (byte)' ');
        await socket.SendAsync([.. RawSocket.FrameHeader(fin: false, opcode: 1, 2000), .. fragment]);
        await socket.SendAsync(RawSocket.FrameHeader(fin: true, opcode: 9, 0));
        await socket.SendAsync([.. RawSocket.FrameHeader(fin: false, opcode: 0, 2000), .. fragment]);
        await socket.SendAsync(RawSocket.FrameHeader(fin: true, opcode: 0, 2000));

        Assert.Equal(1009, await socket.ReadCloseAsync(Wait));
    }

    private static Task<InProcessNode> StartAsync(params string[] arguments) =>
        InProcessNode.StartAsync(["--Chat:MaxConnectionsPerIp", PerAddress.ToString(CultureInfo.InvariantCulture), .. arguments]);
}
