using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using CommunityStream.Chat.Tests.Support;

namespace CommunityStream.Chat.Tests.Gateway;

/// <summary>
/// A <c>join</c> of a room the connection has already joined: no second copy of the history (a 60-byte frame must not
/// fetch the room's retained history over and over), and repeats count toward the abuse close. A room that sent the
/// connection away (closed) may be joined again on the same socket once it reopens.
/// </summary>
[Collection(SharedChatNode.Name)]
public sealed class RejoinTests(ChatNodeFixture fixture)
{
    private InProcessNode Node => fixture.Node;

    [Fact]
    public async Task Should_answer_a_rejoin_without_history_and_close_repeated_rejoins_with_4029()
    {
        var room = await fixture.NewRoomAsync();
        await using var poster = await ChatClient.ConnectAsync(Node.WebSocketUri(fixture.AliceToken));
        await poster.JoinAsync(room);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal("ack", ChatType(await poster.PostAsync(room, $"history {i} " + new string('x', 200))));
        }

        await using var client = await ChatClient.ConnectAsync(Node.WebSocketUri(fixture.BobToken));
        var joined = await client.JoinAsync(room, history: 100);
        Assert.Equal("joined", ChatType(joined));
        Assert.Equal(5, joined.GetProperty("messages").GetArrayLength());

        var again = await client.JoinAsync(room, history: 100);
        Assert.Equal("error", ChatType(again));
        Assert.Equal("already_joined", again.GetProperty("code").GetString());
        Assert.False(again.TryGetProperty("messages", out _));

        // Still a member: live messages keep coming.
        Assert.Equal("ack", ChatType(await poster.PostAsync(room, "live")));
        var live = await client.NextAsync(f => ChatClient.Is(f, "message") && f.GetProperty("text").GetString() == "live");
        Assert.Equal(room, live.GetProperty("room").GetString());

        for (var i = 0; i < 10; i++)
        {
            await client.SendAsync(new { type = "join", room, history = 100 });
        }
        Assert.Equal((WebSocketCloseStatus)4029, await client.ClosedAsync(TimeSpan.FromSeconds(15)));
        // Eleven joins of a joined room, one history.
        Assert.Single(client.Seen, f => ChatClient.Is(f, "joined"));
    }

    [Fact]
    public async Task Should_join_again_on_the_same_socket_after_the_room_was_closed_and_reopened()
    {
        var room = await fixture.NewRoomAsync();
        await using var client = await ChatClient.ConnectAsync(Node.WebSocketUri(fixture.BobToken));
        Assert.Equal("joined", ChatType(await client.JoinAsync(room)));

        await AdminAsync($"rooms/{room}/close");
        var left = await client.NextAsync(f => ChatClient.Is(f, "left") && !f.TryGetProperty("ref", out _));
        Assert.Equal("room_closed", left.GetProperty("reason").GetString());
        Assert.Equal("room_closed", (await client.JoinAsync(room)).GetProperty("code").GetString());

        await AdminAsync($"rooms/{room}/open");
        Assert.Equal("joined", ChatType(await client.JoinAsync(room)));
    }

    private async Task AdminAsync(string path)
    {
        using var http = new HttpClient { BaseAddress = new Uri(Node.AdminAddress, "/admin/v1/") };
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fixture.AdminToken);
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static string? ChatType(System.Text.Json.JsonElement frame) => frame.GetProperty("type").GetString();
}
