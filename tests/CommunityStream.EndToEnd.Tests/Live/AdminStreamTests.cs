using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CommunityStream.EndToEnd.Tests.Support;
using CommunityStream.Media;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace CommunityStream.EndToEnd.Tests.Live;

/// <summary>Two nodes of one cluster with an admin API key, shared by the tests of <see cref="AdminStreamTests"/>.</summary>
public sealed class AdminClusterFixture : IAsyncLifetime, IDisposable
{
    public const string ApiKey = "test-admin-api-key-0123456789";
    private readonly TempDirectory _data = new();

    public InProcessNode A { get; private set; } = null!;

    public InProcessNode B { get; private set; } = null!;

    public string AdminToken { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        A = await InProcessNode.StartOnAsync(_data, "--Media:CorsOrigins:0", "*", "--Admin:ApiKey", ApiKey);
        B = await InProcessNode.StartOnAsync(_data, "--Media:CorsOrigins:0", "*", "--Admin:ApiKey", ApiKey, "--Cluster:SeedNodes:0", A.Cluster.SelfAddress.ToString());
        await Eventually.True(() => A.UpMembers() == 2 && B.UpMembers() == 2, TimeSpan.FromSeconds(30), "a two-node cluster");
        AdminToken = await A.CreateAdminAsync("admin");
    }

    public async Task DisposeAsync()
    {
        await B.DisposeAsync();
        await A.DisposeAsync();
    }

    public void Dispose() => _data.Dispose();

    /// <summary>Sends an admin API request to <paramref name="node"/>'s admin listener.</summary>
    public static async Task<HttpResponseMessage> AdminAsync(InProcessNode node, HttpMethod method, string path)
    {
        using var http = new HttpClient { BaseAddress = new Uri(node.AdminAddress, "/admin/v1/") };
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        return await http.SendAsync(request);
    }
}

/// <summary>
/// An administrator ends a live stream wherever its publisher is, and disabling a streamer ends their stream within
/// 2 s: a Chromium publisher goes live over WHIP on node A, a Chromium viewer watches through node B (a relay), an
/// anonymous chat socket on node B sits in the channel's room, and the admin request goes to node B's admin listener.
/// Ended means: the publisher's WHIP session and the viewer's WHEP session are gone, the viewer's connection ends, and
/// the room heard <c>stream live:false</c>.
/// </summary>
[Collection(ChromiumTests.Name)]
public sealed class AdminStreamTests(ChromiumFixture chromium, AdminClusterFixture cluster, ITestOutputHelper output) : IClassFixture<AdminClusterFixture>
{
    [SkippableFact]
    public async Task Should_end_a_stream_published_on_another_node()
    {
        chromium.SkipIfUnavailable();
        var (a, b) = (cluster.A, cluster.B);
        var streamer = await Streamer.CreateAsync(a, cluster.AdminToken, "adm_ended");
        await using var room = await RoomWatcher.JoinAsync(b, streamer.Channel);
        var (publisher, viewer, whip, whep) = await GoLiveAsync(streamer, a, b);
        try
        {
            await Eventually.Until(() => Json(b, "streams"), s => s.EnumerateArray().Any(r => r.GetProperty("channel").GetString() == streamer.Channel),
                TimeSpan.FromSeconds(10), "the stream in node B's list");
            var listed = (await Json(b, "streams")).EnumerateArray().Single(r => r.GetProperty("channel").GetString() == streamer.Channel);
            Assert.Equal(a.Cluster.SelfAddress.ToString(), listed.GetProperty("node").GetString());
            Assert.Equal(streamer.Channel, listed.GetProperty("publisher").GetString());

            var details = await Eventually.Until(() => Json(b, $"streams/{streamer.Channel}"), d => d.GetProperty("relays").GetArrayLength() == 1,
                TimeSpan.FromSeconds(15), "node B counted as a relay with a viewer");
            Assert.True(details.GetProperty("live").GetBoolean());
            Assert.Equal(b.Cluster.SelfAddress.ToString(), details.GetProperty("relays")[0].GetString());
            Assert.Contains(details.GetProperty("tracks").EnumerateArray(), t => t.GetProperty("kind").GetString() == "video" && t.GetProperty("codec").GetString() == "VP8");
            Assert.NotEqual(JsonValueKind.Null, details.GetProperty("sessionId").ValueKind);

            using (var ended = await AdminClusterFixture.AdminAsync(b, HttpMethod.Post, $"streams/{streamer.Channel}/end"))
            {
                Assert.Equal(HttpStatusCode.OK, ended.StatusCode);
            }
            // Answered once the publisher's session has ended on node A.
            Assert.Equal(MediaFeedKind.None, Media(a).Feed(streamer.Channel));
            await AssertEndedAsync(a, b, room, viewer, whip, whep, TimeSpan.FromSeconds(10));

            using (var again = await AdminClusterFixture.AdminAsync(b, HttpMethod.Post, $"streams/{streamer.Channel}/end"))
            {
                Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
            }
            using (var unknown = await AdminClusterFixture.AdminAsync(b, HttpMethod.Post, "streams/nobody_here/end"))
            {
                Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            }
            using var invalid = await AdminClusterFixture.AdminAsync(b, HttpMethod.Get, "streams/x");
            Assert.Equal(HttpStatusCode.NotFound, invalid.StatusCode);
        }
        finally
        {
            await publisher.CloseAsync();
            await viewer.CloseAsync();
        }
    }

    [SkippableFact]
    public async Task Should_end_a_disabled_streamers_stream_within_two_seconds()
    {
        chromium.SkipIfUnavailable();
        var (a, b) = (cluster.A, cluster.B);
        var streamer = await Streamer.CreateAsync(a, cluster.AdminToken, "adm_disabled");
        await using var room = await RoomWatcher.JoinAsync(b, streamer.Channel);
        var (publisher, viewer, whip, whep) = await GoLiveAsync(streamer, a, b);
        try
        {
            using (var disabled = await AdminClusterFixture.AdminAsync(b, HttpMethod.Post, $"users/{streamer.Channel}/disable"))
            {
                Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
            }
            var disabledAt = DateTime.UtcNow;
            var clock = Stopwatch.StartNew();
            await Eventually.True(() => Media(a).Feed(streamer.Channel) == MediaFeedKind.None && room.StreamSaid(live: false) is not null,
                TimeSpan.FromSeconds(2), "the publisher's session to end and the room to hear live:false");
            var endedAfter = clock.Elapsed;
            var roomHeardAfter = room.StreamSaid(live: false)!.Value - disabledAt;
            output.WriteLine($"disable -> publisher session ended and room heard live:false: {endedAfter.TotalMilliseconds:0} ms (room: {roomHeardAfter.TotalMilliseconds:0} ms)");
            Assert.True(endedAfter <= TimeSpan.FromSeconds(2), $"ended after {endedAfter.TotalMilliseconds:0} ms");
            Assert.True(roomHeardAfter <= TimeSpan.FromSeconds(2), $"the room heard live:false after {roomHeardAfter.TotalMilliseconds:0} ms");
            await AssertEndedAsync(a, b, room, viewer, whip, whep, TimeSpan.FromSeconds(10));

            // A disabled account cannot go live again.
            var retry = await publisher.EvaluateAsync<string[]>(WhipWhepScripts.Publish, new { url = new Uri(a.BaseAddress, $"/whip/{streamer.Channel}").ToString(), key = streamer.StreamKey, codec = "VP8" });
            Assert.Equal("404", retry[0]);
        }
        finally
        {
            await publisher.CloseAsync();
            await viewer.CloseAsync();
        }
    }

    /// <summary>Publishes from a page through node A and watches from another page through node B until frames are decoded.</summary>
    private async Task<(IPage Publisher, IPage Viewer, string Whip, string Whep)> GoLiveAsync(Streamer streamer, InProcessNode a, InProcessNode b)
    {
        var publisher = await chromium.NewPageAsync();
        var viewer = await chromium.NewPageAsync();
        var published = await publisher.EvaluateAsync<string[]>(WhipWhepScripts.Publish, new { url = new Uri(a.BaseAddress, $"/whip/{streamer.Channel}").ToString(), key = streamer.StreamKey, codec = "VP8" });
        Assert.True(published[0] == "201", string.Join(" ", published));
        var watching = await viewer.EvaluateAsync<string[]>(WhipWhepScripts.Watch, new Uri(b.BaseAddress, $"/whep/{streamer.Channel}").ToString());
        Assert.True(watching[0] == "201", string.Join(" ", watching));
        await Eventually.Until(() => viewer.EvaluateAsync<long[]>(ViewerScript.Stats), s => s[0] >= 10, TimeSpan.FromSeconds(30), "frames on the viewer of node B");
        return (publisher, viewer, new Uri(published[1]).AbsolutePath, new Uri(watching[1]).AbsolutePath);
    }

    private static async Task AssertEndedAsync(InProcessNode a, InProcessNode b, RoomWatcher room, IPage viewer, string whip, string whep, TimeSpan timeout)
    {
        await Eventually.True(() => room.StreamSaid(live: false) is not null, timeout, "the room to hear stream live:false");
        // Neither session resource exists any more, on either node.
        Assert.Equal(HttpStatusCode.NotFound, await PatchStatusAsync(a, whip));
        await Eventually.Until(() => PatchStatusAsync(b, whep), s => s == HttpStatusCode.NotFound, timeout, "the viewer's WHEP session to end");
        await Eventually.Until(() => viewer.EvaluateAsync<string>(WhipWhepScripts.ViewerState),
            state => state is "closed" or "failed" or "disconnected", TimeSpan.FromSeconds(20), "the viewer's connection to end");
        await Eventually.True(() => Media(b).Feed(room.Channel) == MediaFeedKind.None, timeout, "node B to drop its relay");
    }

    private static async Task<HttpStatusCode> PatchStatusAsync(InProcessNode node, string session)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, session)
        {
            Content = new StringContent("a=mid:0\r\na=candidate:1 1 udp 2130706431 127.0.0.1 50000 typ host\r\n", System.Text.Encoding.UTF8, "application/trickle-ice-sdpfrag"),
        };
        using var response = await node.Http.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task<JsonElement> Json(InProcessNode node, string path)
    {
        using var response = await AdminClusterFixture.AdminAsync(node, HttpMethod.Get, path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static MediaDiagnostics Media(InProcessNode node) => node.App.Services.GetRequiredService<MediaDiagnostics>();
}
