using System.Net;
using CommunityStream.Web.Tests.Support;

namespace CommunityStream.Web.Tests.Server;

/// <summary>The admin listener serves the admin API and health only: no page, no file, no emote list.</summary>
public sealed class AdminListenerTests(NodeFixture fixture) : IClassFixture<NodeFixture>
{
    [Theory]
    [InlineData("/")]
    [InlineData("/c/alice")]
    [InlineData("/studio")]
    [InlineData("/login")]
    [InlineData("/signup")]
    [InlineData("/account")]
    [InlineData("/api/emotes")]
    [InlineData("/no/such/page")]
    public async Task Admin_listener_does_not_serve_the_web_app(string path)
    {
        using var admin = new HttpClient { BaseAddress = fixture.Node.AdminAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Accept", "text/html,*/*;q=0.8"); // as a browser navigates

        using var response = await admin.SendAsync(request);
        using var asset = await admin.GetAsync(await fixture.ModuleOfAsync("/"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("<!doctype html>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, asset.StatusCode);
    }
}
