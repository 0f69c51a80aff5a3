using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using CommunityStream.Chat.Tests.Support;

namespace CommunityStream.Chat.Tests.Gateway;

/// <summary>
/// A user deletes their account (<c>DELETE /api/me</c>): their sockets close, and their messages stay in every
/// history with the author <c>{"id": null, "name": "deleted user", "deleted": true}</c>: in <c>joined</c>, in a
/// recovery, in <c>GET /api/rooms/{room}/messages</c> and in the admin API's history. Others' messages are unchanged.
/// </summary>
[Collection(SharedChatNode.Name)]
public sealed class DeletedAuthorTests(ChatNodeFixture fixture)
{
    private static readonly TimeSpan CloseWithin = TimeSpan.FromSeconds(15);

    private InProcessNode Node => fixture.Node;

    [Fact]
    public async Task Should_show_a_deleted_accounts_messages_with_the_deleted_author_everywhere()
    {
        var room = await fixture.NewRoomAsync();
        var username = "gone_" + Guid.NewGuid().ToString("N")[..8];
        await Node.RegisterAsync(username);
        var token = await Node.LoginAsync(username);

        await using var leaver = await ChatClient.ConnectAsync(Node.WebSocketUri(token));
        await using var bob = await ChatClient.ConnectAsync(Node.WebSocketUri(fixture.BobToken));
        var joined = await bob.JoinAsync(room);
        var epoch = joined.GetProperty("epoch").GetString();
        var before = joined.GetProperty("offset").GetInt64();
        await leaver.JoinAsync(room);
        var leaverOffset = (await leaver.PostAsync(room, "my last words")).GetProperty("offset").GetInt64();
        var bobOffset = (await bob.PostAsync(room, "still here")).GetProperty("offset").GetInt64();

        using (var delete = new HttpRequestMessage(HttpMethod.Delete, "/api/me") { Content = JsonContent.Create(new { password = InProcessNode.Password }) })
        {
            delete.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var deleted = await Node.Http.SendAsync(delete);
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }
        var closed = await leaver.ClosedAsync(CloseWithin);
        Assert.True(closed is (WebSocketCloseStatus)4003 or (WebSocketCloseStatus)4001, $"closed with {closed}");

        // A fresh join's history.
        await using var carol = await ChatClient.ConnectAsync(Node.WebSocketUri(fixture.CarolToken));
        var history = (await carol.JoinAsync(room)).GetProperty("messages").EnumerateArray().ToList();
        AssertDeletedAuthor(history.Single(m => m.GetProperty("offset").GetInt64() == leaverOffset));
        AssertBob(history.Single(m => m.GetProperty("offset").GetInt64() == bobOffset));

        // A recovery after the deletion.
        await using var recovering = await ChatClient.ConnectAsync(Node.WebSocketUri(fixture.BobToken));
        var recovered = await recovering.JoinAsync(room, recover: new { epoch, offset = before });
        Assert.True(recovered.GetProperty("recovered").GetBoolean());
        AssertDeletedAuthor(recovered.GetProperty("messages").EnumerateArray().Single(m => m.GetProperty("offset").GetInt64() == leaverOffset));

        // The public history API.
        var page = await Node.Http.GetFromJsonAsync<JsonElement>($"/api/rooms/{room}/messages");
        AssertDeletedAuthor(page.GetProperty("messages").EnumerateArray().Single(m => m.GetProperty("offset").GetInt64() == leaverOffset));
        AssertBob(page.GetProperty("messages").EnumerateArray().Single(m => m.GetProperty("offset").GetInt64() == bobOffset));

        // The admin API's history.
        using var admin = new HttpClient { BaseAddress = new Uri(Node.AdminAddress, "/admin/v1/") };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", fixture.AdminToken);
        var adminPage = await admin.GetFromJsonAsync<JsonElement>($"rooms/{room}/messages");
        AssertDeletedAuthor(adminPage.GetProperty("messages").EnumerateArray().Single(m => m.GetProperty("offset").GetInt64() == leaverOffset));
        AssertBob(adminPage.GetProperty("messages").EnumerateArray().Single(m => m.GetProperty("offset").GetInt64() == bobOffset));
    }

    private static void AssertDeletedAuthor(JsonElement message)
    {
        Assert.Equal("my last words", message.GetProperty("text").GetString());
        var author = message.GetProperty("author");
        Assert.Equal(JsonValueKind.Null, author.GetProperty("id").ValueKind);
        Assert.Equal("deleted user", author.GetProperty("name").GetString());
        Assert.True(author.GetProperty("deleted").GetBoolean());
    }

    private static void AssertBob(JsonElement message)
    {
        var author = message.GetProperty("author");
        Assert.Equal("bob", author.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.String, author.GetProperty("id").ValueKind);
        Assert.False(author.TryGetProperty("deleted", out _), author.ToString());
    }
}
