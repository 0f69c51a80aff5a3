using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommunityStream.EndToEnd.Tests.Support;
using CommunityStream.Media;
using Microsoft.Extensions.DependencyInjection;

namespace CommunityStream.EndToEnd.Tests.Live;

/// <summary>
/// Two nodes of one cluster on loopback, sharing a data directory (one SQLite database and signing key): the
/// publisher goes live through node A, two viewers watch through node B, and B carries the stream over exactly one
/// relay from A however many viewers it has; a viewer's PATCH and DELETE sent to node A are answered for its
/// session on B, and the publisher's PATCH and DELETE sent to node B for the session on A.
/// </summary>
[Collection(ChromiumTests.Name)]
public sealed class CrossNodeStreamTests(ChromiumFixture chromium)
{
    [SkippableFact]
    public async Task Should_relay_a_stream_once_to_the_node_its_viewers_are_on()
    {
        chromium.SkipIfUnavailable();
        var origin = chromium.BlankPage.GetLeftPart(UriPartial.Authority);
        using var data = new TempDirectory();
        await using var a = await InProcessNode.StartOnAsync(data, "--Media:CorsOrigins:0", origin);
        await using var b = await InProcessNode.StartOnAsync(data, "--Media:CorsOrigins:0", origin, "--Cluster:SeedNodes:0", a.Cluster.SelfAddress.ToString());
        await Eventually.True(() => a.UpMembers() == 2 && b.UpMembers() == 2, TimeSpan.FromSeconds(30), "a two-node cluster");
        var streamer = await Streamer.CreateAsync(a, await a.CreateAdminAsync("admin"), "relayed");

        var publisher = await chromium.NewPageAsync();
        var viewers = new[] { await chromium.NewPageAsync(), await chromium.NewPageAsync(), await chromium.NewPageAsync() };
        var viewerSessions = new List<string>();
        try
        {
            var published = await publisher.EvaluateAsync<string[]>(WhipWhepScripts.Publish, new { url = new Uri(a.BaseAddress, "/whip/relayed").ToString(), key = streamer.StreamKey, codec = "VP8" });
            Assert.True(published[0] == "201", string.Join(" ", published));
            foreach (var viewer in viewers)
            {
                var watching = await viewer.EvaluateAsync<string[]>(WhipWhepScripts.Watch, new Uri(b.BaseAddress, "/whep/relayed").ToString());
                Assert.True(watching[0] == "201", string.Join(" ", watching));
                viewerSessions.Add(new Uri(watching[1]).AbsolutePath);
            }
            foreach (var viewer in viewers)
            {
                await Eventually.Until(() => viewer.EvaluateAsync<long[]>(ViewerScript.Stats), s => s[0] >= 30 && s[1] >= 50, TimeSpan.FromSeconds(30), "frames and audio on a viewer of node B");
                // Node B's relay sends its viewers their RTCP sender reports (lip sync, RTT) as the publisher's node does.
                await Eventually.Until(() => viewer.EvaluateAsync<int>(ViewerScript.SenderReports), n => n >= 2, TimeSpan.FromSeconds(15), "sender reports on a viewer of node B");
            }

            using (var metrics = new InstrumentReader(a.App.Services))
            {
                Assert.Equal(1, metrics.Count("communitystream.media.relays.served"));
            }
            Assert.Equal(MediaFeedKind.Relayed, Media(b).Feed("relayed"));
            await Eventually.Until(() => b.Http.GetFromJsonAsync<JsonElement>("/api/streams/relayed"), s => s.GetProperty("viewers").GetInt32() == 3,
                TimeSpan.FromSeconds(15), "three viewers counted from node B");

            // Trickle ICE PATCHes land on the other node too: it asks for the session's ICE ufrag and ETag.
            Assert.Equal(HttpStatusCode.NoContent, (await Patch(a, viewerSessions[0], Candidate)).StatusCode);
            Assert.Equal((HttpStatusCode)422, (await Patch(a, viewerSessions[0], "a=ice-ufrag:restart\r\na=ice-pwd:restartrestartrestart12\r\n" + Candidate)).StatusCode);
            Assert.Equal(HttpStatusCode.PreconditionFailed, (await Patch(a, viewerSessions[0], Candidate, "\"stale\"")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await Patch(a, "/whep/relayed/sessions/nope", Candidate)).StatusCode);
            Assert.Equal(HttpStatusCode.NoContent, (await Patch(b, new Uri(published[1]).AbsolutePath, Candidate)).StatusCode);

            // A viewer's DELETE lands on node A: A asks the other nodes, and B ends that viewer's session.
            Assert.Equal(HttpStatusCode.NotFound, (await a.Http.DeleteAsync("/whep/relayed/sessions/nope")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await a.Http.DeleteAsync(viewerSessions[2])).StatusCode);
            await Eventually.Until(() => viewers[2].EvaluateAsync<string>(WhipWhepScripts.ViewerState),
                state => state is "closed" or "failed" or "disconnected", TimeSpan.FromSeconds(20), "the deleted viewer's connection to end");
            await Eventually.Until(() => b.Http.GetFromJsonAsync<JsonElement>("/api/streams/relayed"), s => s.GetProperty("viewers").GetInt32() == 2,
                TimeSpan.FromSeconds(15), "two viewers left on node B");
            Assert.Equal(HttpStatusCode.NotFound, (await a.Http.DeleteAsync(viewerSessions[2])).StatusCode);

            // The publisher's DELETE lands on node B (as behind a load balancer): a wrong key is refused there, an
            // unknown session is 404, and the right one ends the session held by node A.
            var onB = new Uri(b.BaseAddress, new Uri(published[1]).AbsolutePath);
            Assert.Equal(HttpStatusCode.Unauthorized, (await Delete(b, onB, "sk_wrong")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await Delete(b, new Uri(b.BaseAddress, "/whip/relayed/sessions/nope"), streamer.StreamKey)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await Delete(b, onB, streamer.StreamKey)).StatusCode);
            await Eventually.True(() => Media(a).Feed("relayed") == MediaFeedKind.None, TimeSpan.FromSeconds(10), "node A to end the publisher's session");
            foreach (var viewer in viewers[..2])
            {
                await Eventually.Until(() => viewer.EvaluateAsync<string>(WhipWhepScripts.ViewerState),
                    state => state is "closed" or "failed" or "disconnected", TimeSpan.FromSeconds(20), "the relayed viewer's connection to end");
            }
            await Eventually.True(() => Media(b).Feed("relayed") == MediaFeedKind.None, TimeSpan.FromSeconds(10), "node B to drop its relay");
        }
        finally
        {
            await publisher.CloseAsync();
            foreach (var viewer in viewers)
            {
                await viewer.CloseAsync();
            }
        }
    }

    private static MediaDiagnostics Media(InProcessNode node) => node.App.Services.GetRequiredService<MediaDiagnostics>();

    private const string Candidate = "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na=candidate:1 1 udp 2130706431 127.0.0.1 50000 typ host\r\n";

    private static Task<HttpResponseMessage> Patch(InProcessNode node, string session, string fragment, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, session)
        {
            Content = new StringContent(fragment, System.Text.Encoding.UTF8, "application/trickle-ice-sdpfrag"),
        };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
        return node.Http.SendAsync(request);
    }

    private static Task<HttpResponseMessage> Delete(InProcessNode node, Uri session, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Delete, session);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return node.Http.SendAsync(request);
    }
}
