using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Akka.Actor;
using Akka.Hosting;
using CommunityStream.Media.Streams;
using Microsoft.Extensions.DependencyInjection;

namespace CommunityStream.Media.Tests.Hls;

/// <summary>
/// <c>GET /api/streams/{channel}</c> hands out the HLS URL: as is for a public channel, with a signed token only to a
/// signed-in viewer for a private one. The stream is made live through its entity, as the publisher's session would.
/// </summary>
public sealed class HlsStreamApiTests
{
    [Fact]
    public async Task Should_issue_a_private_channels_signed_hls_url_only_to_a_signed_in_viewer()
    {
        await using var node = await InProcessNode.StartAsync();
        var admin = await node.CreateAdminAsync("admin");
        await node.RegisterAsync("hlsprivate", admin, "viewer", "streamer");
        await node.RegisterAsync("hlsviewer");
        var viewer = await node.LoginAsync("hlsviewer");
        var region = node.App.Services.GetRequiredService<IRequiredActor<StreamRegionMarker>>().ActorRef;
        await region.Ask<object>(new StreamCommands.UpdateSettings("hlsprivate", null, true), TimeSpan.FromSeconds(10));
        await region.Ask<object>(new StreamCommands.StartPublishing("hlsprivate", "s1", node.Cluster.SelfAddress.ToString(), DateTimeOffset.UtcNow), TimeSpan.FromSeconds(10));
        var (_, parts) = HlsNodeFixture.LiveOn(node, "hlsprivate", isPrivate: true);
        parts.Gop(3);

        var anonymous = await node.Http.GetFromJsonAsync<JsonElement>("/api/streams/hlsprivate");
        Assert.True(anonymous.GetProperty("live").GetBoolean());
        Assert.Equal("/whep/hlsprivate", anonymous.GetProperty("whep").GetString());
        var hls = anonymous.GetProperty("hls");
        Assert.True(hls.GetProperty("available").GetBoolean());
        Assert.Equal(JsonValueKind.Null, hls.GetProperty("url").ValueKind);
        Assert.Contains("private", hls.GetProperty("reason").GetString(), StringComparison.Ordinal);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/streams/hlsprivate");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", viewer);
        using var signedIn = await node.Http.SendAsync(request);
        var url = (await signedIn.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("hls").GetProperty("url").GetString()!;
        Assert.Matches(@"^/hls/hlsprivate/\d+\.[A-Za-z0-9_-]{22}/index\.m3u8$", url);
        Assert.Equal(HttpStatusCode.OK, (await node.Http.GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await node.Http.GetAsync("/hls/hlsprivate/index.m3u8")).StatusCode);
    }
}
