using System.Net;
using System.Text;
using CommunityStream.Chat.Gateway;
using CommunityStream.Chat.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CommunityStream.Chat.Tests.Gateway;

/// <summary>
/// Clients that leave rudely, over real loopback sockets on Chat's own accept path and framing: a reset is a peer
/// gone (no error log, no 1011), and an unfinished head gets its whole 408 followed by an orderly end. Each test has
/// its own node and source address.
/// </summary>
[Collection(SharedChatNode.Name)]
public sealed class PeerResetTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Should_end_a_reset_joined_connection_without_an_error_log_and_go_on_serving_others()
    {
        await using var node = await InProcessNode.StartAsync();
        var admin = await node.CreateAdminAsync("root");
        var room = "r_" + Guid.NewGuid().ToString("N")[..10];
        await node.CreateRoomAsync(admin, room);
        var logs = LogCapture.AttachTo(node.App.Services);
        var open = node.App.Services.GetRequiredService<OpenChatConnections>();
        var source = IPAddress.Parse("127.0.0.11");

        var rude = await RawSocket.ConnectAsync(node, source);
        await rude.UpgradeAsync();
        await rude.SendTextAsync($$"""{"type":"join","room":"{{room}}","ref":"1"}""");
        var reply = await rude.ReadFrameAsync(Wait);
        Assert.Contains("\"ref\":\"1\"", Encoding.UTF8.GetString(reply.Payload), StringComparison.Ordinal);
        Assert.Equal(1, open.Count);
        rude.Reset();

        await Eventually.True(() => open.Count == 0, Wait, "the reset connection to end");
        Assert.Empty(logs.Errors);

        using var polite = await RawSocket.ConnectAsync(node, source);
        await polite.UpgradeAsync();
        await polite.SendTextAsync($$"""{"type":"join","room":"{{room}}","ref":"2"}""");
        Assert.Contains("\"ref\":\"2\"", Encoding.UTF8.GetString((await polite.ReadFrameAsync(Wait)).Payload), StringComparison.Ordinal);
        Assert.Empty(logs.Errors);
    }

    [Fact]
    public async Task Should_answer_an_unfinished_head_with_the_whole_408_and_an_orderly_end()
    {
        await using var node = await InProcessNode.StartAsync("--Chat:RequestHeadTimeoutSeconds", "1");
        var source = IPAddress.Parse("127.0.0.12");
        using var client = await RawSocket.ConnectAsync(node, source);
        await client.SendAsync("GET /ws HTTP/1.1\r\nHost: test\r\nUpgrade: websocket\r\n");

        // A reset after the answer would show as an error here (and may discard the answer on a real network).
        Assert.True(await client.EndsOrderlyAsync(Wait), "the 408 ended with a reset");
        Assert.Equal("HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", client.Received);
    }
}
