using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace CommunityStream.EndToEnd.Tests.Live;

/// <summary>The browser studio's credential: the owner's access token instead of the stream key; the offline title.</summary>
public sealed partial class WhipWhepSignallingTests
{
    [Fact]
    public async Task Should_go_live_and_end_with_the_owners_access_token_and_keep_the_title_when_offline()
    {
        var streamer = await fixture.StreamerAsync("tokenlive");
        var other = await fixture.StreamerAsync("tokenother");
        using (var titled = await fixture.SendAsync(HttpMethod.Patch, "/api/streams/tokenlive", streamer.AccessToken, JsonContent.Create(new { title = "Studio test" })))
        {
            Assert.Equal(HttpStatusCode.OK, titled.StatusCode);
        }

        using var created = await fixture.PostSdpAsync("/whip/tokenlive", ChromeOffers.Publish, streamer.AccessToken);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var location = created.Headers.Location!.ToString();
        var live = await GetStreamAsync("tokenlive");
        Assert.True(live.GetProperty("live").GetBoolean());
        Assert.Equal("Studio test", live.GetProperty("title").GetString());
        Assert.NotEqual(JsonValueKind.Null, live.GetProperty("startedAt").ValueKind);

        // The list item's shape, as docs/media.md states it.
        var item = await Eventually.Until(
            async () => (await fixture.Node.Http.GetFromJsonAsync<JsonElement>("/api/streams")).EnumerateArray().FirstOrDefault(s => s.GetProperty("channel").GetString() == "tokenlive"),
            s => s.ValueKind == JsonValueKind.Object, TimeSpan.FromSeconds(10), "the stream list to show the channel");
        Assert.Equal(["channel", "title", "live", "private", "startedAt", "viewers", "publisherNode", "quality"], item.EnumerateObject().Select(p => p.Name));
        Assert.Equal("Studio test", item.GetProperty("title").GetString());

        using (var byOther = await fixture.SendAsync(HttpMethod.Delete, location, other.AccessToken))
        {
            Assert.Equal(HttpStatusCode.Forbidden, byOther.StatusCode);
            Assert.Equal("application/problem+json", byOther.Content.Headers.ContentType?.MediaType);
        }
        using (var ended = await fixture.SendAsync(HttpMethod.Delete, location, streamer.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, ended.StatusCode);
        }

        var offline = await Eventually.Until(() => GetStreamAsync("tokenlive"), s => !s.GetProperty("live").GetBoolean(), TimeSpan.FromSeconds(10), "the stream to go offline");
        Assert.Equal("Studio test", offline.GetProperty("title").GetString());
        Assert.Equal(JsonValueKind.Null, offline.GetProperty("startedAt").ValueKind);
        Assert.Equal(0, offline.GetProperty("viewers").GetInt32());
    }

    [Fact]
    public async Task Should_refuse_another_users_access_token_a_forged_one_and_an_owner_without_the_streamer_role()
    {
        var streamer = await fixture.StreamerAsync("tokenchan");
        var other = await fixture.StreamerAsync("tokenthief");
        await fixture.Node.RegisterAsync("tokenviewer");
        var viewerToken = await fixture.Node.LoginAsync("tokenviewer");

        using var someoneElse = await fixture.PostSdpAsync("/whip/tokenchan", ChromeOffers.Publish, other.AccessToken);
        Assert.Equal(HttpStatusCode.Forbidden, someoneElse.StatusCode);
        Assert.Contains("owner", (await ProblemAsync(someoneElse)).GetProperty("detail").GetString(), StringComparison.Ordinal);

        using var forged = await fixture.PostSdpAsync("/whip/tokenchan", ChromeOffers.Publish, streamer.AccessToken[..^4] + "AAAA");
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal("Bearer", forged.Headers.WwwAuthenticate.Single().Scheme);

        using var notStreamer = await fixture.PostSdpAsync("/whip/tokenviewer", ChromeOffers.Publish, viewerToken);
        Assert.Equal(HttpStatusCode.Forbidden, notStreamer.StatusCode);
        Assert.Contains("streamer", (await ProblemAsync(notStreamer)).GetProperty("title").GetString(), StringComparison.Ordinal);

        Assert.False((await GetStreamAsync("tokenchan")).GetProperty("live").GetBoolean());
    }

    [Fact]
    public async Task Should_end_the_stream_and_refuse_its_credentials_when_the_owner_deletes_the_account()
    {
        var streamer = await fixture.StreamerAsync("tokendelete");
        using var created = await fixture.PostSdpAsync("/whip/tokendelete", ChromeOffers.Publish, streamer.AccessToken);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.True((await GetStreamAsync("tokendelete")).GetProperty("live").GetBoolean());

        using (var delete = await fixture.SendAsync(HttpMethod.Delete, "/api/me", streamer.AccessToken, JsonContent.Create(new { password = InProcessNode.Password })))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        // The public view hides a deleted owner's channel at once; the admin view shows the stream itself, which the
        // disabled-publisher sweep (every second) ends. A session that never completed ICE would only time out after 10 s.
        using (var hidden = await fixture.Node.Http.GetAsync("/api/streams/tokendelete"))
        {
            Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        }
        using var admin = new HttpClient { BaseAddress = new Uri(fixture.Node.AdminAddress, "/admin/v1/") };
        admin.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", fixture.AdminToken);
        await Eventually.Until(async () => await admin.GetFromJsonAsync<JsonElement>("streams/tokendelete"), s => !s.GetProperty("live").GetBoolean(),
            TimeSpan.FromSeconds(5), "the deleted owner's stream to end");
        using var withKey = await fixture.PostSdpAsync("/whip/tokendelete", ChromeOffers.Publish, streamer.StreamKey);
        Assert.Equal(HttpStatusCode.NotFound, withKey.StatusCode);
        using var withToken = await fixture.PostSdpAsync("/whip/tokendelete", ChromeOffers.Publish, streamer.AccessToken);
        Assert.Equal(HttpStatusCode.NotFound, withToken.StatusCode);
    }

    [Fact]
    public async Task Should_end_a_stream_started_with_an_access_token_when_the_owner_logs_out_everywhere_but_keep_one_started_with_the_stream_key()
    {
        var byToken = await fixture.StreamerAsync("tokenrevoke");
        var byKey = await fixture.StreamerAsync("keyrevoke");
        using (var created = await fixture.PostSdpAsync("/whip/tokenrevoke", ChromeOffers.Publish, byToken.AccessToken))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        using (var created = await fixture.PostSdpAsync("/whip/keyrevoke", ChromeOffers.Publish, byKey.StreamKey))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        Assert.True((await GetStreamAsync("tokenrevoke")).GetProperty("live").GetBoolean());
        Assert.True((await GetStreamAsync("keyrevoke")).GetProperty("live").GetBoolean());

        foreach (var streamer in new[] { byToken, byKey })
        {
            using var revoke = await fixture.SendAsync(HttpMethod.Post, "/api/me/sessions/revoke", streamer.AccessToken);
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }

        // The disabled-publisher sweep (every second) ends the access-token stream; the stream key's stays live.
        using var admin = new HttpClient { BaseAddress = new Uri(fixture.Node.AdminAddress, "/admin/v1/") };
        admin.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", fixture.AdminToken);
        await Eventually.Until(async () => await admin.GetFromJsonAsync<JsonElement>("streams/tokenrevoke"), s => !s.GetProperty("live").GetBoolean(),
            TimeSpan.FromSeconds(5), "the access-token stream to end");
        Assert.True((await admin.GetFromJsonAsync<JsonElement>("streams/keyrevoke")).GetProperty("live").GetBoolean());
    }
}
