using System.Net;
using CommunityStream.Media.Hls;
using Microsoft.Extensions.DependencyInjection;

namespace CommunityStream.Media.Tests.Hls;

/// <summary>A node that allows any origin and holds one blocking request at most: CORS without Origin, the node-wide cap.</summary>
public sealed class HlsOpenOriginTests
{
    [Fact]
    public async Task Should_allow_any_origin_on_every_response_and_cap_held_requests_per_node()
    {
        await using var node = await InProcessNode.StartAsync("--Media:CorsOrigins:0", "*", "--Media:Hls:MaxHeldRequestsPerNode", "1");
        var (_, first) = HlsNodeFixture.LiveOn(node, "hlsopenone");
        var (_, second) = HlsNodeFixture.LiveOn(node, "hlsopentwo");
        first.Gop(2);
        second.Gop(2);

        // A request without Origin gets Access-Control-Allow-Origin: * (and the exposed headers) all the same, so the
        // object a CDN caches from it also serves browsers; no Vary needed.
        foreach (var path in new[] { "/hls/hlsopenone/index.m3u8", "/hls/hlsopenone/part-ephlsopenone-0.m4s", "/hls/hlsopenone/seg-x-0.m4s" })
        {
            using var plain = await node.Http.GetAsync(path);
            Assert.Equal("*", plain.Headers.GetValues("Access-Control-Allow-Origin").Single());
            Assert.Contains("ETag", plain.Headers.GetValues("Access-Control-Expose-Headers").Single(), StringComparison.Ordinal);
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("Origin", "http://anywhere.example");
            using var cors = await node.Http.SendAsync(request);
            Assert.Equal("*", cors.Headers.GetValues("Access-Control-Allow-Origin").Single());
        }

        // One request held on the node: a blocking request for another channel is refused.
        var counters = node.App.Services.GetRequiredService<HlsChannels>().Counters;
        var held = node.Http.GetAsync("/hls/hlsopenone/part-ephlsopenone-2.m4s");
        await Eventually.True(() => counters.Waiting == 1, TimeSpan.FromSeconds(10), "one request held");
        using (var refused = await node.Http.GetAsync("/hls/hlsopentwo/index.m3u8?_HLS_msn=0&_HLS_part=2"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal("1", refused.Headers.RetryAfter!.ToString());
            Assert.Contains("Too many blocking requests", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        first.Next(independent: false);
        using var released = await held.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.OK, released.StatusCode);
        Assert.Equal(0, counters.Waiting);
    }
}
