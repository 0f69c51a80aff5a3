using System.Net.WebSockets;
using System.Text.Json;
using CommunityStream.Chat.Tests.Support;

namespace CommunityStream.Chat.Tests.Gateway;

/// <summary>Presence, token refresh and the per-connection and per-address limits.</summary>
[Collection(SharedChatNode.Name)]
public sealed class ConnectionTests(ChatNodeFixture fixture)
{
    private InProcessNode Node => fixture.Node;


    [Fact]
    public async Task Should_publish_presence_with_the_member_list_for_a_small_room()
    {
        var room = await fixture.NewRoomAsync();
        await using var bob = await ChatClient.ConnectAsync(Node.WebSocketUri(fixture.BobToken));
        await using var carol = await ChatClient.ConnectAsync(Node.WebSocketUri(fixture.CarolToken));
        await using var anonymous = await ChatClient.ConnectAsync(Node.WebSocketUri(null));
        await bob.JoinAsync(room);
        await carol.JoinAsync(room);
        await anonymous.JoinAsync(room);

        var presence = await bob.NextAsync(f => ChatClient.Is(f, "presence") && f.GetProperty("count").GetInt32() == 3);
        Assert.Equal(["bob", "carol"], presence.GetProperty("members").EnumerateArray().Select(m => m.GetString()));

        Assert.Equal("left", (await carol.RequestAsync(new() { ["type"] = "leave", ["room"] = room })).GetProperty("type").GetString());
        var after = await bob.NextAsync(f => ChatClient.Is(f, "presence") && f.GetProperty("count").GetInt32() == 2);
        Assert.Equal(["bob"], after.GetProperty("members").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal("not_joined", (await carol.PostAsync(room, "gone", null)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Should_refresh_the_token_over_the_socket_only_for_the_same_account()
    {
        await using var bob = await ChatClient.ConnectAsync(Node.WebSocketUri(fixture.BobToken));

        var refreshed = await bob.RequestAsync(new() { ["type"] = "refresh", ["accessToken"] = await Node.LoginAsync("bob") });
        var foreign = await bob.RequestAsync(new() { ["type"] = "refresh", ["accessToken"] = fixture.CarolToken });
        var invalid = await bob.RequestAsync(new() { ["type"] = "refresh", ["accessToken"] = "nope" });

        Assert.Equal("refreshed", refreshed.GetProperty("type").GetString());
        Assert.True(refreshed.GetProperty("expiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(5));
        Assert.Equal("invalid_token", foreign.GetProperty("code").GetString());
        Assert.Equal("invalid_token", invalid.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Should_close_with_4003_when_a_refresh_finds_the_account_disabled()
    {
        var id = await Node.RegisterAsync("dave");
        var token = await Node.LoginAsync("dave");
        await using var dave = await ChatClient.ConnectAsync(Node.WebSocketUri(token));
        using var disable = new HttpRequestMessage(HttpMethod.Post, $"/api/users/{id}/disable");
        disable.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", fixture.AdminToken);
        using var disabled = await Node.Http.SendAsync(disable);
        Assert.Equal(System.Net.HttpStatusCode.OK, disabled.StatusCode);

        await dave.SendAsync(new { type = "refresh", accessToken = token });

        Assert.Equal((WebSocketCloseStatus)4003, await dave.ClosedAsync(TimeSpan.FromSeconds(15)));
    }

    [Fact]
    public async Task Should_limit_the_rooms_of_one_connection()
    {
        await using var bob = await ChatClient.ConnectAsync(Node.WebSocketUri(fixture.BobToken));
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("joined", (await bob.JoinAsync(await fixture.NewRoomAsync())).GetProperty("type").GetString());
        }

        Assert.Equal("too_many_rooms", (await bob.JoinAsync(await fixture.NewRoomAsync())).GetProperty("code").GetString());
        Assert.Equal("room_not_found", (await bob.JoinAsync("no such room!")).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Should_refuse_connections_over_the_per_address_limit_before_the_upgrade()
    {
        var open = new List<ChatClient>();
        try
        {
            // Every connection from the address counts from accept, the fixture's pooled HTTP ones too: a few fewer
            // than 30 WebSockets fit.
            WebSocketException? refused = null;
            while (refused is null && open.Count <= 30)
            {
                try
                {
                    open.Add(await ChatClient.ConnectAsync(Node.WebSocketUri(null)));
                }
                catch (WebSocketException ex)
                {
                    refused = ex;
                }
            }
            Assert.NotNull(refused);
            Assert.Contains("429", refused.Message, StringComparison.Ordinal);
            Assert.InRange(open.Count, 25, 30);
        }
        finally
        {
            foreach (var client in open)
            {
                await client.DisposeAsync();
            }
        }

        // Closed sockets give their slots back.
        await Eventually.Until(
            async () =>
            {
                try
                {
                    await using var again = await ChatClient.ConnectAsync(Node.WebSocketUri(null));
                    return again.Welcome.ValueKind == JsonValueKind.Object;
                }
                catch (WebSocketException)
                {
                    return false;
                }
            },
            ok => ok,
            TimeSpan.FromSeconds(10),
            "a slot to be free again");
    }
}
