using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CommunityStream.Chat.Administration;
using CommunityStream.Chat.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CommunityStream.Chat.Tests.Gateway;

/// <summary>
/// Identity frees a deleted account's username after the grace period. Rooms key moderators, bans and timeouts by
/// username, so Chat's deleted-account sweep makes every room forget the deleted account first: the name's next holder
/// is neither a moderator nor banned where the old account was, and once a streamer owns the channel room of the name.
/// </summary>
[Collection(SharedChatNode.Name)]
public sealed class FreedNameTests(ChatNodeFixture fixture)
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(20);

    private InProcessNode Node => fixture.Node;

    [Fact]
    public async Task Should_give_a_freed_names_next_holder_no_rights_or_bans_of_the_deleted_account_and_its_channel_once_a_streamer()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var (moderator, banned, streamer) = ("mod_" + suffix, "ban_" + suffix, "own_" + suffix);
        var room = await fixture.NewRoomAsync();
        await Node.RegisterAsync(moderator);
        await Node.RegisterAsync(banned);
        await Node.RegisterAsync(streamer, fixture.AdminToken, "viewer", "streamer");
        var streamerToken = await Node.LoginAsync(streamer);
        await using (var root = await ChatClient.ConnectAsync(Node.WebSocketUri(fixture.AdminToken)))
        {
            await root.JoinAsync(room);
            Assert.Equal("mod_ok", (await root.ModerateAsync(room, "add_moderator", new() { ["user"] = moderator })).GetProperty("type").GetString());
            Assert.Equal("mod_ok", (await root.ModerateAsync(room, "ban", new() { ["user"] = banned })).GetProperty("type").GetString());
        }
        await using (var owner = await ChatClient.ConnectAsync(Node.WebSocketUri(streamerToken)))
        {
            await owner.JoinAsync(streamer); // creates the channel room
            Assert.Equal("mod_ok", (await owner.ModerateAsync(streamer, "add_moderator", new() { ["user"] = moderator })).GetProperty("type").GetString());
        }
        Assert.Equal(streamer, (await InfoAsync(streamer)).GetProperty("owner").GetString());

        foreach (var name in new[] { moderator, banned, streamer })
        {
            await DeleteAccountAsync(await Node.LoginAsync(name));
        }
        // The sweep runs every 30 s on the oldest member; the test runs one at once instead of waiting.
        var sweep = Node.App.Services.GetRequiredService<DeletedAccountRoomSweep>();
        await Eventually.Until(() => sweep.SweepAsync(CancellationToken.None), done => done >= 3, Within, "the sweep forgets the three accounts");

        // Room info no longer names the deleted accounts.
        Assert.DoesNotContain(moderator, Moderators(await InfoAsync(room)));
        var channel = await InfoAsync(streamer);
        Assert.Equal(JsonValueKind.Null, channel.GetProperty("owner").ValueKind);
        Assert.DoesNotContain(moderator, Moderators(channel));

        // Identity frees the names after the grace period; new accounts take them.
        await FreeDeletedNamesAsync();
        await Node.RegisterAsync(moderator);
        await Node.RegisterAsync(banned);
        var newStreamerId = await Node.RegisterAsync(streamer);
        await using var heir = await ChatClient.ConnectAsync(Node.WebSocketUri(await Node.LoginAsync(moderator)));
        Assert.Equal("joined", (await heir.JoinAsync(room)).GetProperty("type").GetString());
        Assert.Equal("forbidden", (await heir.ModerateAsync(room, "ban", new() { ["user"] = "carol" })).GetProperty("code").GetString());
        await using var pardoned = await ChatClient.ConnectAsync(Node.WebSocketUri(await Node.LoginAsync(banned)));
        Assert.Equal("joined", (await pardoned.JoinAsync(room)).GetProperty("type").GetString());
        Assert.Equal("ack", (await pardoned.PostAsync(room, "hello")).GetProperty("type").GetString());

        // The name's new holder is no streamer yet: the channel stays ownerless. Once it is, it owns the channel.
        Assert.Equal(JsonValueKind.Null, (await InfoAsync(streamer)).GetProperty("owner").ValueKind);
        await GrantStreamerAsync(newStreamerId);
        await Eventually.Until(() => InfoAsync(streamer), info => info.GetProperty("owner").GetString() == streamer, Within, "the new streamer owns the channel");
        await using var newOwner = await ChatClient.ConnectAsync(Node.WebSocketUri(await Node.LoginAsync(streamer)));
        await newOwner.JoinAsync(streamer);
        Assert.Equal("mod_ok", (await newOwner.ModerateAsync(streamer, "add_moderator", new() { ["user"] = "carol" })).GetProperty("type").GetString());
    }

    private async Task<JsonElement> InfoAsync(string room)
    {
        using var response = await Node.Http.GetAsync($"/api/rooms/{room}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static string?[] Moderators(JsonElement info) => [.. info.GetProperty("moderators").EnumerateArray().Select(m => m.GetString())];

    private async Task DeleteAccountAsync(string token)
    {
        using var delete = new HttpRequestMessage(HttpMethod.Delete, "/api/me") { Content = JsonContent.Create(new { password = InProcessNode.Password }) };
        delete.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var deleted = await Node.Http.SendAsync(delete);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
    }

    private async Task GrantStreamerAsync(Guid id)
    {
        using var grant = new HttpRequestMessage(HttpMethod.Put, $"/api/users/{id}/roles") { Content = JsonContent.Create(new { roles = new[] { "viewer", "streamer" } }) };
        grant.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fixture.AdminToken);
        using var granted = await Node.Http.SendAsync(grant);
        Assert.Equal(HttpStatusCode.OK, granted.StatusCode);
    }

    /// <summary>
    /// Identity's grace sweep (an internal hosted service of another module, so reached by its type name), run as if
    /// 31 days had passed: it frees the names of every account deleted on this node so far.
    /// </summary>
    private async Task FreeDeletedNamesAsync()
    {
        var watcher = Node.App.Services.GetServices<IHostedService>().Single(s => s.GetType().Name == "DeletedAccountWatcher");
        var free = watcher.GetType().GetMethod("FreeExpiredNamesAsync")!;
        var freed = await (Task<int>)free.Invoke(watcher, [DateTimeOffset.UtcNow.AddDays(31), CancellationToken.None])!;
        Assert.True(freed >= 3, $"freed {freed}");
    }
}
