using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CommunityStream.Chat.Tests.Support;

namespace CommunityStream.Chat.Tests.Gateway;

/// <summary><c>GET /api/me/export</c> on a node with Chat: every message the account posted, in every room, with offsets.</summary>
[Collection(SharedChatNode.Name)]
public sealed class ChatExportTests(ChatNodeFixture fixture)
{
    private InProcessNode Node => fixture.Node;

    [Fact]
    public async Task Should_export_the_accounts_messages_from_every_room_and_nobody_elses()
    {
        var first = await fixture.NewRoomAsync();
        var second = await fixture.NewRoomAsync();
        var username = "exp_" + Guid.NewGuid().ToString("N")[..8];
        await Node.RegisterAsync(username);
        var token = await Node.LoginAsync(username);
        await using var author = await ChatClient.ConnectAsync(Node.WebSocketUri(token));
        await using var bob = await ChatClient.ConnectAsync(Node.WebSocketUri(fixture.BobToken));
        var posted = new List<(string Room, long Offset, string Text)>();
        foreach (var room in new[] { first, second })
        {
            await author.JoinAsync(room);
            await bob.JoinAsync(room);
            for (var i = 0; i < 3; i++)
            {
                var text = $"{room} #{i}";
                posted.Add((room, (await author.PostAsync(room, text)).GetProperty("offset").GetInt64(), text));
                await bob.PostAsync(room, "not yours");
            }
        }
        // A moderator's deletion hides a message from others, not from its author's export.
        await using var root = await ChatClient.ConnectAsync(Node.WebSocketUri(fixture.AdminToken));
        await root.JoinAsync(first);
        var deleted = await root.ModerateAsync(first, "delete", new() { ["offset"] = posted[0].Offset });
        Assert.NotEqual("error", deleted.GetProperty("type").GetString());

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/me/export");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await Node.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.False(body.GetProperty("chatMessagesTruncated").GetBoolean());
        var exported = body.GetProperty("chatMessages").EnumerateArray().ToList();
        Assert.Equal(
            posted.OrderBy(p => p.Room, StringComparer.Ordinal).ThenBy(p => p.Offset).Select(p => $"{p.Room}/{p.Offset}/{p.Text}"),
            exported.Select(m => $"{m.GetProperty("room").GetString()}/{m.GetProperty("offset").GetInt64()}/{m.GetProperty("text").GetString()}"));
        Assert.All(exported, m =>
        {
            Assert.NotEqual(Guid.Empty, m.GetProperty("id").GetGuid());
            Assert.InRange(m.GetProperty("time").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
        });
    }
}
