using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace CommunityStream.EndToEnd.Tests.Live;

/// <summary>
/// WHIP/WHEP over HTTP against a real node, without a browser: status codes and problem bodies for every bad
/// request, the 201 headers (Location, ETag, Link, Accept-Patch), PATCH semantics, CORS, one publisher per
/// channel, private channels, and the stream list following the publisher.
/// </summary>
public sealed partial class WhipWhepSignallingTests(SignallingFixture fixture) : IClassFixture<SignallingFixture>
{
    [Fact]
    public async Task Should_answer_401_without_or_with_a_wrong_stream_key()
    {
        var streamer = await fixture.StreamerAsync("keycheck");

        using var missing = await fixture.PostSdpAsync("/whip/keycheck", ChromeOffers.Publish);
        using var wrong = await fixture.PostSdpAsync("/whip/keycheck", ChromeOffers.Publish, "sk_wrong");
        using var others = await fixture.PostSdpAsync("/whip/keycheck", ChromeOffers.Publish, (await fixture.StreamerAsync("keyother")).StreamKey);

        foreach (var response in new[] { missing, wrong, others })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        }
        Assert.False((await GetStreamAsync(streamer.Channel)).GetProperty("live").GetBoolean());
    }

    [Fact]
    public async Task Should_answer_404_for_a_channel_that_is_not_a_streamers()
    {
        await fixture.Node.RegisterAsync("justviewer");
        var streamer = await fixture.StreamerAsync("realchannel");

        using var viewerChannel = await fixture.PostSdpAsync("/whip/justviewer", ChromeOffers.Publish, streamer.StreamKey);
        using var unknown = await fixture.PostSdpAsync("/whip/nobody_here", ChromeOffers.Publish, streamer.StreamKey);
        using var invalid = await fixture.PostSdpAsync("/whip/x", ChromeOffers.Publish, streamer.StreamKey);

        Assert.Equal(HttpStatusCode.NotFound, viewerChannel.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, invalid.StatusCode);
    }

    [Fact]
    public async Task Should_answer_400_with_the_parsers_message_for_a_malformed_offer_and_415_for_another_type()
    {
        var streamer = await fixture.StreamerAsync("badsdp");

        using var malformed = await fixture.PostSdpAsync("/whip/badsdp", "v=0\r\nthis is not sdp\r\n", streamer.StreamKey);
        using var noBundle = await fixture.PostSdpAsync("/whip/badsdp", ChromeOffers.Publish.Replace("a=group:BUNDLE 0 1", "a=group:BUNDLE 0", StringComparison.Ordinal), streamer.StreamKey);
        using var json = await fixture.PostSdpAsync("/whip/badsdp", "{}", streamer.StreamKey, "application/json");

        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Contains("line", (await ProblemAsync(malformed)).GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.BadRequest, noBundle.StatusCode);
        Assert.Contains("BUNDLE", (await ProblemAsync(noBundle)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, json.StatusCode);
        Assert.False((await GetStreamAsync("badsdp")).GetProperty("live").GetBoolean());
    }

    [Fact]
    public async Task Should_go_live_with_the_resource_headers_admit_one_publisher_and_go_offline_on_delete()
    {
        var streamer = await fixture.StreamerAsync("golive");

        using var created = await fixture.PostSdpAsync("/whip/golive", ChromeOffers.Publish, streamer.StreamKey);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("application/sdp", created.Content.Headers.ContentType?.MediaType);
        var answer = await created.Content.ReadAsStringAsync();
        Assert.Contains("a=ice-lite", answer, StringComparison.Ordinal);
        Assert.Contains("a=recvonly", answer, StringComparison.Ordinal);
        var location = created.Headers.Location!.ToString();
        Assert.StartsWith("/whip/golive/sessions/", location, StringComparison.Ordinal);
        Assert.NotNull(created.Headers.ETag);
        var links = created.Headers.GetValues("Link").ToList();
        Assert.Contains("<stun:stun.example.org:3478>; rel=\"ice-server\"", links);
        Assert.Contains(links, l => l.StartsWith("<turn:turn.example.org:3478?transport=udp>; rel=\"ice-server\"", StringComparison.Ordinal)
            && l.Contains("username=\"user\"", StringComparison.Ordinal) && l.Contains("credential=\"secret\"", StringComparison.Ordinal));
        Assert.True((await GetStreamAsync("golive")).GetProperty("live").GetBoolean());
        await Eventually.Until(ListAsync, list => list.Contains("golive"), TimeSpan.FromSeconds(10), "the stream list to show the channel");

        using var second = await fixture.PostSdpAsync("/whip/golive", ChromeOffers.Publish, streamer.StreamKey);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);

        using var deleteWithoutKey = await fixture.SendAsync(HttpMethod.Delete, location);
        Assert.Equal(HttpStatusCode.Unauthorized, deleteWithoutKey.StatusCode);
        using var deleted = await fixture.SendAsync(HttpMethod.Delete, location, streamer.StreamKey);
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        using var deletedAgain = await fixture.SendAsync(HttpMethod.Delete, location, streamer.StreamKey);
        Assert.Equal(HttpStatusCode.NotFound, deletedAgain.StatusCode);

        await Eventually.Until(async () => (await GetStreamAsync("golive")).GetProperty("live").GetBoolean(), live => !live, TimeSpan.FromSeconds(10), "the stream to go offline");
        await Eventually.Until(ListAsync, list => !list.Contains("golive"), TimeSpan.FromSeconds(10), "the stream list to drop the channel");
        using var watchOffline = await fixture.PostSdpAsync("/whep/golive", ChromeOffers.Watch);
        Assert.Equal(HttpStatusCode.NotFound, watchOffline.StatusCode);
    }

    [Fact]
    public async Task Should_accept_trickled_candidates_and_refuse_an_ICE_restart()
    {
        var streamer = await fixture.StreamerAsync("trickle");
        using var created = await fixture.PostSdpAsync("/whip/trickle", ChromeOffers.Publish, streamer.StreamKey);
        var location = created.Headers.Location!.ToString();
        var etag = created.Headers.ETag!.ToString();
        const string Candidate = "a=ice-ufrag:Xk3v\r\na=ice-pwd:7Zr0bQ2cP5tN9mV4hL8sD1fG\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=mid:0\r\na=candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host\r\n";
        const string Restart = "a=ice-ufrag:NewU\r\na=ice-pwd:aNewPasswordOf22Chars0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=mid:0\r\n";

        using var trickled = await fixture.SendAsync(HttpMethod.Patch, location, content: Fragment(Candidate), ifMatch: etag);
        using var stale = await fixture.SendAsync(HttpMethod.Patch, location, content: Fragment(Candidate), ifMatch: "\"not-the-etag\"");
        using var restart = await fixture.SendAsync(HttpMethod.Patch, location, content: Fragment(Restart), ifMatch: "*");
        using var wrongType = await fixture.SendAsync(HttpMethod.Patch, location, content: new StringContent(Candidate, Encoding.UTF8, "text/plain"));
        using var unknown = await fixture.SendAsync(HttpMethod.Patch, "/whip/trickle/sessions/nope", content: Fragment(Candidate));

        Assert.Equal(HttpStatusCode.NoContent, trickled.StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, restart.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, wrongType.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        (await fixture.SendAsync(HttpMethod.Delete, location, streamer.StreamKey)).Dispose();
    }

    [Fact]
    public async Task Should_answer_a_viewer_with_our_ssrcs_and_keep_private_channels_to_signed_in_users()
    {
        var streamer = await fixture.StreamerAsync("privchan");
        using var live = await fixture.PostSdpAsync("/whip/privchan", ChromeOffers.Publish, streamer.StreamKey);
        Assert.Equal(HttpStatusCode.Created, live.StatusCode);

        using var watching = await fixture.PostSdpAsync("/whep/privchan", ChromeOffers.Watch);
        Assert.Equal(HttpStatusCode.Created, watching.StatusCode);
        var answer = await watching.Content.ReadAsStringAsync();
        Assert.Contains("a=sendonly", answer, StringComparison.Ordinal);
        Assert.Contains("a=ssrc:", answer, StringComparison.Ordinal);
        Assert.StartsWith("/whep/privchan/sessions/", watching.Headers.Location!.ToString(), StringComparison.Ordinal);

        using var byStranger = await fixture.SendAsync(HttpMethod.Patch, "/api/streams/privchan", content: JsonContent.Create(new { @private = true }));
        Assert.Equal(HttpStatusCode.Unauthorized, byStranger.StatusCode);
        await fixture.Node.RegisterAsync("notowner");
        using var byOtherUser = await fixture.SendAsync(HttpMethod.Patch, "/api/streams/privchan", await fixture.Node.LoginAsync("notowner"), JsonContent.Create(new { @private = true }));
        Assert.Equal(HttpStatusCode.Forbidden, byOtherUser.StatusCode);
        using var tooLong = await fixture.SendAsync(HttpMethod.Patch, "/api/streams/privchan", streamer.AccessToken, JsonContent.Create(new { title = new string('x', 141) }));
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        using var madePrivate = await fixture.SendAsync(HttpMethod.Patch, "/api/streams/privchan", streamer.AccessToken, JsonContent.Create(new { title = "Late night", @private = true }));
        Assert.Equal(HttpStatusCode.OK, madePrivate.StatusCode);
        var summary = await madePrivate.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Late night", summary.GetProperty("title").GetString());
        Assert.True(summary.GetProperty("private").GetBoolean());

        using var anonymous = await fixture.PostSdpAsync("/whep/privchan", ChromeOffers.Watch);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using var signedIn = await fixture.PostSdpAsync("/whep/privchan", ChromeOffers.Watch, await fixture.Node.LoginAsync("notowner"));
        Assert.Equal(HttpStatusCode.Created, signedIn.StatusCode);

        using var viewerGone = await fixture.SendAsync(HttpMethod.Delete, signedIn.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.OK, viewerGone.StatusCode);
        (await fixture.SendAsync(HttpMethod.Delete, live.Headers.Location!.ToString(), streamer.StreamKey)).Dispose();
    }

    [Fact]
    public async Task Should_allow_the_configured_origin_in_a_CORS_preflight_and_no_other()
    {
        using var allowed = await PreflightAsync(SignallingFixture.PlayerOrigin);
        using var other = await PreflightAsync("http://evil.example");

        Assert.Equal(SignallingFixture.PlayerOrigin, allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("POST", allowed.Headers.GetValues("Access-Control-Allow-Methods").Single(), StringComparison.Ordinal);
        Assert.False(other.Headers.Contains("Access-Control-Allow-Origin"));
    }

    private async Task<HttpResponseMessage> PreflightAsync(string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/whip/anything");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        return await fixture.Node.Http.SendAsync(request);
    }

    private static StringContent Fragment(string text) => new(text, new MediaTypeHeaderValue("application/trickle-ice-sdpfrag"));

    private async Task<JsonElement> GetStreamAsync(string channel) =>
        await fixture.Node.Http.GetFromJsonAsync<JsonElement>($"/api/streams/{channel}");

    private async Task<List<string>> ListAsync() =>
        (await fixture.Node.Http.GetFromJsonAsync<JsonElement>("/api/streams")).EnumerateArray().Select(s => s.GetProperty("channel").GetString()!).ToList();

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
