using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text.Json;
using CommunityStream.Chat.Tests.Support;

namespace CommunityStream.Chat.Tests.Gateway;

/// <summary>Protocol v1 over real <see cref="ClientWebSocket"/>s against a whole in-process node.</summary>
[Collection(SharedChatNode.Name)]
public sealed class WebSocketTests(ChatNodeFixture fixture)
{
    private InProcessNode Node => fixture.Node;

    private Task<ChatClient> ConnectAsync(string? token) => ChatClient.ConnectAsync(Node.WebSocketUri(token));


    private static long Offset(JsonElement frame) => frame.GetProperty("offset").GetInt64();

    [Fact]
    public async Task Should_greet_with_the_user_and_limits()
    {
        await using var bob = await ConnectAsync(fixture.BobToken);
        await using var anonymous = await ConnectAsync(null);

        Assert.Equal(1, bob.Welcome.GetProperty("v").GetInt32());
        Assert.Equal("bob", bob.Welcome.GetProperty("user").GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, anonymous.Welcome.GetProperty("user").ValueKind);
        Assert.Equal(4096, anonymous.Welcome.GetProperty("limits").GetProperty("maxFrameBytes").GetInt32());
    }

    [Fact]
    public async Task Should_refuse_an_invalid_token_before_the_upgrade()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/ws?access_token=not-a-token");
        using var response = await Node.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);

        var socket = new ClientWebSocket();
        var refused = await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(Node.WebSocketUri("not-a-token"), CancellationToken.None));
        Assert.Contains("401", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_show_both_members_each_others_messages_in_the_same_offset_order()
    {
        await using var alice = await ConnectAsync(fixture.AliceToken);
        await using var bob = await ConnectAsync(fixture.BobToken);
        var joined = await alice.JoinAsync("alice");
        Assert.Equal("joined", joined.GetProperty("type").GetString());
        var start = Offset(joined);
        Assert.Equal("joined", (await bob.JoinAsync("alice")).GetProperty("type").GetString());

        var acks = new List<JsonElement>();
        for (var i = 0; i < 10; i++)
        {
            acks.Add(await (i % 2 == 0 ? alice : bob).PostAsync("alice", $"hello {i}", $"c-{i}"));
        }

        Assert.All(acks, ack => Assert.Equal("ack", ack.GetProperty("type").GetString()));
        Assert.Equal(Enumerable.Range(1, 10).Select(i => start + i), acks.Select(Offset));
        var seenByAlice = await alice.MessagesAsync("alice", 10);
        var seenByBob = await bob.MessagesAsync("alice", 10);
        Assert.Equal(acks.Select(Offset), seenByAlice.Select(Offset));
        Assert.Equal(seenByAlice.Select(m => m.GetProperty("text").GetString()), seenByBob.Select(m => m.GetProperty("text").GetString()));
        Assert.Equal("bob", seenByAlice[1].GetProperty("author").GetProperty("name").GetString());
    }

    [Fact]
    public async Task Should_not_post_twice_when_a_client_id_is_resent()
    {
        var room = await fixture.NewRoomAsync();
        await using var bob = await ConnectAsync(fixture.BobToken);
        await bob.JoinAsync(room);

        var first = await bob.PostAsync(room, "once", "m-1");
        var again = await bob.PostAsync(room, "once", "m-1");

        Assert.False(first.GetProperty("duplicate").GetBoolean());
        Assert.True(again.GetProperty("duplicate").GetBoolean());
        Assert.Equal(Offset(first), Offset(again));
        await using var carol = await ConnectAsync(fixture.CarolToken);
        var joined = await carol.JoinAsync(room);
        Assert.Single(joined.GetProperty("messages").EnumerateArray());
    }

    [Fact]
    public async Task Should_let_anonymous_connections_read_but_not_post()
    {
        var room = await fixture.NewRoomAsync();
        await using var anonymous = await ConnectAsync(null);
        await using var bob = await ConnectAsync(fixture.BobToken);
        await anonymous.JoinAsync(room);
        await bob.JoinAsync(room);

        var refused = await anonymous.PostAsync(room, "hi", null);
        await bob.PostAsync(room, "from bob", null);

        Assert.Equal("forbidden", refused.GetProperty("code").GetString());
        Assert.Equal("from bob", (await anonymous.MessagesAsync(room, 1))[0].GetProperty("text").GetString());

        var closed = await fixture.NewRoomAsync(anonymousRead: false);
        Assert.Equal("forbidden", (await anonymous.JoinAsync(closed)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Should_broadcast_deletions_timeouts_and_bans_and_enforce_them()
    {
        var room = await fixture.NewRoomAsync();
        await using var admin = await ConnectAsync(fixture.AdminToken);
        await using var bob = await ConnectAsync(fixture.BobToken);
        await using var carol = await ConnectAsync(fixture.CarolToken);
        foreach (var client in new[] { admin, bob, carol })
        {
            await client.JoinAsync(room);
        }
        var posted = await bob.PostAsync(room, "rude", null);

        Assert.Equal("mod_ok", (await admin.ModerateAsync(room, "delete", new() { ["offset"] = Offset(posted) })).GetProperty("type").GetString());
        var deleted = await carol.NextAsync(f => ChatClient.Is(f, "mod_event"));
        Assert.Equal("delete", deleted.GetProperty("action").GetString());
        Assert.Equal(Offset(posted), Offset(deleted));

        await admin.ModerateAsync(room, "timeout", new() { ["user"] = "bob", ["seconds"] = 600 });
        Assert.Equal("timeout", (await carol.NextAsync(f => ChatClient.Is(f, "mod_event"))).GetProperty("action").GetString());
        var timedOut = await bob.PostAsync(room, "again", null);
        Assert.Equal("timed_out", timedOut.GetProperty("code").GetString());
        Assert.True(timedOut.GetProperty("retryAfterMs").GetInt64() > 590_000);

        await admin.ModerateAsync(room, "ban", new() { ["user"] = "bob" });
        Assert.Equal("ban", (await carol.NextAsync(f => ChatClient.Is(f, "mod_event"))).GetProperty("action").GetString());
        Assert.Equal("forbidden", (await carol.ModerateAsync(room, "ban", new() { ["user"] = "bob" })).GetProperty("code").GetString());

        await using var bobAgain = await ConnectAsync(fixture.BobToken);
        Assert.Equal("banned", (await bobAgain.JoinAsync(room)).GetProperty("code").GetString());
        await using var late = await ConnectAsync(fixture.CarolToken);
        Assert.Empty((await late.JoinAsync(room)).GetProperty("messages").EnumerateArray());
        using var history = await Node.Http.GetAsync($"/api/rooms/{room}/messages");
        Assert.Empty((await JsonDocument.ParseAsync(await history.Content.ReadAsStreamAsync())).RootElement.GetProperty("messages").EnumerateArray());
    }

    [Fact]
    public async Task Should_recover_exactly_the_missed_messages_after_a_reconnect()
    {
        var room = await fixture.NewRoomAsync();
        await using var carol = await ConnectAsync(fixture.CarolToken);
        await carol.JoinAsync(room);
        var bob = await ConnectAsync(fixture.BobToken);
        var joined = await bob.JoinAsync(room);
        var epoch = joined.GetProperty("epoch").GetString();
        await carol.PostAsync(room, "seen 1", null);
        var lastSeen = Offset((await bob.MessagesAsync(room, 1))[0]);
        await bob.DisposeAsync();

        var missed = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            missed.Add(Offset(await carol.PostAsync(room, $"missed {i}", null)));
        }
        await using var back = await ConnectAsync(fixture.BobToken);
        var recovered = await back.JoinAsync(room, new { epoch, offset = lastSeen });
        await carol.PostAsync(room, "live", null);

        Assert.True(recovered.GetProperty("recovered").GetBoolean());
        Assert.Equal(missed, recovered.GetProperty("messages").EnumerateArray().Select(Offset));
        Assert.Equal("live", (await back.MessagesAsync(room, 1))[0].GetProperty("text").GetString());

        await using var stranger = await ConnectAsync(fixture.BobToken);
        var wrongEpoch = await stranger.JoinAsync(room, new { epoch = "e-other", offset = lastSeen }, history: 2);
        Assert.False(wrongEpoch.GetProperty("recovered").GetBoolean());
        Assert.Equal(2, wrongEpoch.GetProperty("messages").GetArrayLength());
    }

    [Fact]
    public async Task Should_serve_room_info_history_pages_and_room_creation_over_http()
    {
        var room = await fixture.NewRoomAsync();
        await using var bob = await ConnectAsync(fixture.BobToken);
        await bob.JoinAsync(room);
        for (var i = 1; i <= 5; i++)
        {
            await bob.PostAsync(room, $"m{i}", null);
        }

        using var page = await Node.Http.GetAsync($"/api/rooms/{room}/messages?before=5&limit=2");
        var body = (await JsonDocument.ParseAsync(await page.Content.ReadAsStreamAsync())).RootElement;
        Assert.Equal([3L, 4], body.GetProperty("messages").EnumerateArray().Select(Offset));
        using var info = await Node.Http.GetAsync($"/api/rooms/{room}");
        Assert.Equal(5, (await JsonDocument.ParseAsync(await info.Content.ReadAsStreamAsync())).RootElement.GetProperty("latestOffset").GetInt64());
        using var missing = await Node.Http.GetAsync("/api/rooms/no_such_room_here");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var tooMany = await Node.Http.GetAsync($"/api/rooms/{room}/messages?limit=101");
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);

        Assert.Equal(HttpStatusCode.Conflict, await CreateAsync(fixture.AdminToken, room));
        Assert.Equal(HttpStatusCode.Conflict, await CreateAsync(fixture.AdminToken, "bob"));
        Assert.Equal(HttpStatusCode.BadRequest, await CreateAsync(fixture.AdminToken, "no"));
        Assert.Equal(HttpStatusCode.Forbidden, await CreateAsync(fixture.BobToken, "r_by_bob"));

        var closed = await fixture.NewRoomAsync(anonymousRead: false);
        using var anonymousHistory = await Node.Http.GetAsync($"/api/rooms/{closed}/messages");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousHistory.StatusCode);
    }

    [Fact]
    public async Task Should_list_the_rooms_moderators_in_the_room_info()
    {
        var room = await fixture.NewRoomAsync();
        await using var root = await ConnectAsync(fixture.AdminToken);
        await root.JoinAsync(room);
        Assert.Empty(await ModeratorsAsync(room));

        foreach (var user in new[] { "carol", "bob" })
        {
            var added = await root.ModerateAsync(room, "add_moderator", new() { ["user"] = user });
            Assert.NotEqual("error", added.GetProperty("type").GetString());
        }
        Assert.Equal(["bob", "carol"], await ModeratorsAsync(room));

        await root.ModerateAsync(room, "remove_moderator", new() { ["user"] = "carol" });
        Assert.Equal(["bob"], await ModeratorsAsync(room));
    }

    private async Task<List<string>> ModeratorsAsync(string room)
    {
        using var info = await Node.Http.GetAsync($"/api/rooms/{room}");
        Assert.Equal(HttpStatusCode.OK, info.StatusCode);
        var body = (await JsonDocument.ParseAsync(await info.Content.ReadAsStreamAsync())).RootElement;
        return [.. body.GetProperty("moderators").EnumerateArray().Select(m => m.GetString()!)];
    }

    private async Task<HttpStatusCode> CreateAsync(string token, string name)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/rooms") { Content = System.Net.Http.Json.JsonContent.Create(new { name }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await Node.Http.SendAsync(request);
        return response.StatusCode;
    }
}
