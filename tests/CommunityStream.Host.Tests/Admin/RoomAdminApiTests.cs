using System.Net;
using System.Text.Json;

namespace CommunityStream.Host.Tests.Admin;

/// <summary><c>/admin/v1/rooms…</c> over the admin listener of a real node, with real chat sockets as members.</summary>
[Collection(AdminNodeFixture.Collection)]
public sealed class RoomAdminApiTests(AdminNodeFixture fixture)
{
    private InProcessNode Node => fixture.Node;

    private AdminClient Admin => fixture.Admin;

    [Fact]
    public async Task Should_list_rooms_show_one_and_page_its_history()
    {
        await Node.CreateRoomAsync(fixture.AdminToken, "ra_hist");
        await Node.CreateRoomAsync(fixture.AdminToken, "ra_quiet");
        await Node.RegisterAsync("ra_member");
        await using var member = await ChatClient.ConnectAsync(Node.WebSocketUri(await Node.LoginAsync("ra_member")));
        Assert.Equal("joined", ChatClient.Type(await member.JoinAsync("ra_hist")));
        for (var i = 1; i <= 3; i++)
        {
            Assert.Equal("ack", ChatClient.Type(await member.PostAsync("ra_hist", $"hello {i}")));
        }

        var all = Rooms(await Admin.GetJsonAsync("rooms"));
        Assert.Contains("ra_hist", all.Keys);
        Assert.Contains("ra_quiet", all.Keys);
        var live = Rooms(await Admin.GetJsonAsync("rooms?live=true"));
        Assert.Equal(1, live["ra_hist"]);
        Assert.DoesNotContain("ra_quiet", live.Keys);

        var room = await Eventually.Until(() => Admin.GetJsonAsync("rooms/ra_hist"), r => r.GetProperty("presence").GetProperty("count").GetInt32() == 1,
            TimeSpan.FromSeconds(10), "the member counted in the room");
        Assert.Equal(3, room.GetProperty("latestOffset").GetInt64());
        Assert.False(room.GetProperty("closed").GetBoolean());
        var byNode = room.GetProperty("presence").GetProperty("byNode").EnumerateArray().Single();
        Assert.Equal(Node.Cluster.SelfAddress.ToString(), byNode.GetProperty("node").GetString());
        Assert.Equal(1, byNode.GetProperty("count").GetInt32());

        Assert.Equal(new long[] { 2, 3 }, Offsets(await Admin.GetJsonAsync("rooms/ra_hist/messages?limit=2")));
        Assert.Equal(new long[] { 1 }, Offsets(await Admin.GetJsonAsync("rooms/ra_hist/messages?before=2&limit=10")));
        await Admin.GetJsonAsync("rooms/ra_hist/messages?limit=0", HttpStatusCode.BadRequest);
        await Admin.GetJsonAsync("rooms/ra_nosuchroom", HttpStatusCode.NotFound);
        await Admin.GetJsonAsync("rooms/ra_nosuchroom/messages", HttpStatusCode.NotFound);
        await Admin.GetJsonAsync("rooms/x", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Should_ban_unban_time_out_and_slow_a_room_as_the_caller()
    {
        await Node.CreateRoomAsync(fixture.AdminToken, "ra_mod");
        await Node.RegisterAsync("ra_watcher");
        await Node.RegisterAsync("ra_troll");
        await using var watcher = await ChatClient.ConnectAsync(Node.WebSocketUri(await Node.LoginAsync("ra_watcher")));
        await using var troll = await ChatClient.ConnectAsync(Node.WebSocketUri(await Node.LoginAsync("ra_troll")));
        await watcher.JoinAsync("ra_mod");
        await troll.JoinAsync("ra_mod");

        var banned = await Admin.SendJsonAsync(HttpMethod.Post, "rooms/ra_mod/bans", new { user = "RA_Troll", reason = "spam" });
        Assert.Equal("ban", banned.GetProperty("action").GetString());
        var ban = await watcher.WaitForAsync(f => ModAction(f) == "ban", "mod_event ban");
        Assert.Equal("ra_troll", ban.GetProperty("user").GetString());
        // The room records the caller (here the API key's principal) as the moderator.
        Assert.Equal("api-key", ban.GetProperty("by").GetString());
        Assert.Equal("banned", (await troll.PostAsync("ra_mod", "hi")).GetProperty("code").GetString());
        Assert.Contains("ra_troll", (await Admin.GetJsonAsync("rooms/ra_mod")).GetProperty("banned").EnumerateArray().Select(u => u.GetString()));

        await Admin.SendJsonAsync(HttpMethod.Delete, "rooms/ra_mod/bans/ra_troll");
        await watcher.WaitForAsync(f => ModAction(f) == "unban", "mod_event unban");
        Assert.Equal("ack", ChatClient.Type(await troll.PostAsync("ra_mod", "sorry")));

        await Admin.SendJsonAsync(HttpMethod.Post, "rooms/ra_mod/timeouts", new { user = "ra_troll", seconds = 60 });
        Assert.Equal(60, (await watcher.WaitForAsync(f => ModAction(f) == "timeout", "mod_event timeout")).GetProperty("seconds").GetInt32());
        Assert.Equal("timed_out", (await troll.PostAsync("ra_mod", "again")).GetProperty("code").GetString());
        Assert.Equal("ra_troll", (await Admin.GetJsonAsync("rooms/ra_mod")).GetProperty("timeouts").EnumerateArray().Single().GetProperty("user").GetString());

        await Admin.SendJsonAsync(HttpMethod.Put, "rooms/ra_mod/slow-mode", new { seconds = 5 });
        Assert.Equal(5, (await watcher.WaitForAsync(f => ModAction(f) == "slow", "mod_event slow")).GetProperty("seconds").GetInt32());
        Assert.Equal(5, (await Admin.GetJsonAsync("rooms/ra_mod")).GetProperty("settings").GetProperty("slowSeconds").GetInt32());

        await Admin.SendJsonAsync(HttpMethod.Post, "rooms/ra_mod/timeouts", new { user = "ra_troll", seconds = 0 }, HttpStatusCode.BadRequest);
        await Admin.SendJsonAsync(HttpMethod.Post, "rooms/ra_mod/timeouts", new { seconds = 10 }, HttpStatusCode.BadRequest);
        await Admin.SendJsonAsync(HttpMethod.Post, "rooms/ra_mod/bans", new { user = "not a name!" }, HttpStatusCode.BadRequest);
        await Admin.SendJsonAsync(HttpMethod.Post, "rooms/ra_mod/bans", status: HttpStatusCode.BadRequest);
        await Admin.SendJsonAsync(HttpMethod.Put, "rooms/ra_mod/slow-mode", new { seconds = 3601 }, HttpStatusCode.BadRequest);
        await Admin.SendJsonAsync(HttpMethod.Post, "rooms/ra_nosuchroom/bans", new { user = "ra_troll" }, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Should_close_a_room_until_it_is_reopened_even_across_a_restart()
    {
        using var data = new TempDirectory();
        string adminToken;
        await using (var first = await InProcessNode.StartOnAsync(data, "--Admin:ApiKey", AdminClient.ApiKey))
        {
            using var admin = new AdminClient(first);
            adminToken = await first.CreateAdminAsync("closer_admin");
            await first.CreateRoomAsync(adminToken, "ra_closed");
            await first.RegisterAsync("ra_guest");
            await using var guest = await ChatClient.ConnectAsync(first.WebSocketUri(await first.LoginAsync("ra_guest")));
            await guest.JoinAsync("ra_closed");

            await admin.SendJsonAsync(HttpMethod.Post, "rooms/ra_closed/close", new { reason = "maintenance" });
            var closing = await guest.WaitForAsync(f => ModAction(f) == "close", "mod_event close");
            Assert.Equal("maintenance", closing.GetProperty("reason").GetString());
            var left = await guest.WaitForAsync(f => ChatClient.Type(f) == "left" && !f.TryGetProperty("ref", out _), "left room_closed");
            Assert.Equal("room_closed", left.GetProperty("reason").GetString());
            // The socket stays open for other rooms; this one refuses posts and joins.
            Assert.Equal("room_closed", (await guest.PostAsync("ra_closed", "anyone?")).GetProperty("code").GetString());
            Assert.Equal("room_closed", (await guest.JoinAsync("ra_closed")).GetProperty("code").GetString());
            var shown = await admin.GetJsonAsync("rooms/ra_closed");
            Assert.True(shown.GetProperty("closed").GetBoolean());
            Assert.Equal("maintenance", shown.GetProperty("closedReason").GetString());
            // Administrators still read a closed room's history.
            await admin.GetJsonAsync("rooms/ra_closed/messages");
        }

        await using var second = await InProcessNode.StartOnAsync(data, "--Admin:ApiKey", AdminClient.ApiKey);
        using var again = new AdminClient(second);
        Assert.True((await again.GetJsonAsync("rooms/ra_closed")).GetProperty("closed").GetBoolean());
        await using var returning = await ChatClient.ConnectAsync(second.WebSocketUri(await second.LoginAsync("ra_guest")));
        Assert.Equal("room_closed", (await returning.JoinAsync("ra_closed")).GetProperty("code").GetString());

        Assert.Equal("open", (await again.SendJsonAsync(HttpMethod.Post, "rooms/ra_closed/open")).GetProperty("action").GetString());
        Assert.Equal("joined", ChatClient.Type(await returning.JoinAsync("ra_closed")));
        Assert.False((await again.GetJsonAsync("rooms/ra_closed")).GetProperty("closed").GetBoolean());
        await again.SendJsonAsync(HttpMethod.Post, "rooms/ra_nosuchroom/close", status: HttpStatusCode.NotFound);
    }

    private static string? ModAction(JsonElement frame) =>
        ChatClient.Type(frame) == "mod_event" && frame.TryGetProperty("action", out var action) ? action.GetString() : null;

    private static Dictionary<string, int> Rooms(JsonElement list) =>
        list.GetProperty("rooms").EnumerateArray().ToDictionary(r => r.GetProperty("room").GetString()!, r => r.GetProperty("members").GetInt32());

    private static long[] Offsets(JsonElement page) =>
        [.. page.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("offset").GetInt64())];
}
