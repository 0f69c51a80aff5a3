using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using CommunityStream.Chat.Tests.Support;

namespace CommunityStream.Chat.Tests.Gateway;

/// <summary>
/// An administrator disables an account: its open sockets close with 4003 within a few seconds even when idle
/// (the sweep of <c>DisabledAccountSweep</c>, every 2 s by default), on the node that disabled it and on others.
/// </summary>
[Collection(SharedChatNode.Name)]
public sealed class DisabledAccountTests(ChatNodeFixture fixture)
{
    // Two sweeps plus the close handshake, with room for a loaded CI machine.
    private static readonly TimeSpan CloseWithin = TimeSpan.FromSeconds(15);

    private InProcessNode Node => fixture.Node;

    internal static async Task DisableAsync(InProcessNode node, string adminToken, Guid id)
    {
        using var disable = new HttpRequestMessage(HttpMethod.Post, $"/api/users/{id}/disable");
        disable.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
        using var response = await node.Http.SendAsync(disable);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Should_close_the_idle_sockets_of_a_disabled_account_with_4003_and_keep_the_others()
    {
        var room = await fixture.NewRoomAsync();
        var id = await Node.RegisterAsync("erin");
        var token = await Node.LoginAsync("erin");
        await using var joined = await ChatClient.ConnectAsync(Node.WebSocketUri(token));
        await using var idle = await ChatClient.ConnectAsync(Node.WebSocketUri(token));
        await using var bob = await ChatClient.ConnectAsync(Node.WebSocketUri(fixture.BobToken));
        await joined.JoinAsync(room);
        await bob.JoinAsync(room);

        await DisableAsync(Node, fixture.AdminToken, id);

        // Neither socket sends anything: only the sweep can notice.
        Assert.Equal((WebSocketCloseStatus)4003, await joined.ClosedAsync(CloseWithin));
        Assert.Equal((WebSocketCloseStatus)4003, await idle.ClosedAsync(CloseWithin));
        Assert.Equal("account_disabled", idle.Socket.CloseStatusDescription);
        Assert.Equal("pong", (await bob.RequestAsync(new() { ["type"] = "ping" })).GetProperty("type").GetString());
    }
}
