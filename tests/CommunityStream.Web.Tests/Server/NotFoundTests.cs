using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommunityStream.Web.Tests.Support;

namespace CommunityStream.Web.Tests.Server;

/// <summary>
/// Unknown addresses: a browser navigating gets the friendly 404 page; API paths and API clients keep RFC 7807
/// problem bodies; the watch page exists only for names that can be channels.
/// </summary>
public sealed class NotFoundTests(NodeFixture fixture) : IClassFixture<NodeFixture>
{
    private const string BrowserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

    [Theory]
    [InlineData("/c/a/b")]
    [InlineData("/c/alice/chat")]
    [InlineData("/c/ab")]
    [InlineData("/c/no.dots")]
    [InlineData("/c/a%2Fb")]
    [InlineData("/c/")]
    [InlineData("/studio/x")]
    [InlineData("/nothing-here")]
    [InlineData("/index.html")]
    public async Task Browser_navigation_to_an_unknown_address_gets_the_404_page(string path)
    {
        using var response = await GetAsync(path, BrowserAccept);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.NoStore);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("data-page=\"notfound\"", html, StringComparison.Ordinal);
        Assert.Contains("Page not found", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/c/a/b")]
    [InlineData("/nothing-here")]
    public async Task Api_clients_get_a_problem_for_an_unknown_address(string path)
    {
        using var response = await GetAsync(path, "application/json");

        await AssertProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("/api/nothing")]
    [InlineData("/api/streams/x/y")]
    [InlineData("/whep/nobody/sessions/1/x")]
    [InlineData("/assets/000000000000/x.js")]
    public async Task Api_paths_keep_problem_bodies_even_for_a_browser(string path)
    {
        using var response = await GetAsync(path, BrowserAccept);

        await AssertProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Method_not_allowed_on_an_api_path_is_unchanged()
    {
        using var response = await GetAsync("/api/auth/login", BrowserAccept);

        await AssertProblemAsync(response, HttpStatusCode.MethodNotAllowed);
    }

    [Fact]
    public async Task A_post_to_a_page_is_not_a_page()
    {
        using var response = await fixture.Node.Http.PostAsync("/login", new StringContent("x"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Fact]
    public async Task Valid_channel_names_get_the_watch_page()
    {
        foreach (var channel in new[] { "alice", "Bob_2", "x_y", "abcdefghijklmnopqrstuvwxy" })
        {
            using var response = await GetAsync($"/c/{channel}", BrowserAccept);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("data-page=\"watch\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    private async Task<HttpResponseMessage> GetAsync(string path, string accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Accept", accept);
        return await fixture.Node.Http.SendAsync(request);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
    }
}
