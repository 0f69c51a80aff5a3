using System.Net;
using System.Text.RegularExpressions;

namespace CommunityStream.Web.Tests.Server;

/// <summary>Every page URL of the contract answers with its HTML shell, never cached without revalidation.</summary>
public sealed partial class PageServingTests : IAsyncLifetime
{
    private InProcessNode _node = null!;

    public async Task InitializeAsync() => _node = await InProcessNode.StartAsync();

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Theory]
    [InlineData("/", "home")]
    [InlineData("/c/alice", "watch")]
    [InlineData("/studio", "studio")]
    [InlineData("/login", "login")]
    [InlineData("/signup", "signup")]
    [InlineData("/account", "account")]
    public async Task Page_is_its_html_shell_with_fingerprinted_assets(string path, string page)
    {
        using var response = await _node.Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.NoCache, "pages must be revalidated");
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains($"data-page=\"{page}\"", html, StringComparison.Ordinal);
        var script = ScriptSource().Match(html);
        Assert.True(script.Success, "the page loads its module");
        Assert.DoesNotContain("{{", html, StringComparison.Ordinal);

        using var module = await _node.Http.GetAsync(script.Groups[1].Value);
        Assert.Equal(HttpStatusCode.OK, module.StatusCode);
        Assert.True(module.Headers.CacheControl?.MaxAge >= TimeSpan.FromDays(365), "fingerprinted files are cached for a year");
    }

    [Fact]
    public async Task Watch_page_preloads_its_whole_module_graph_and_every_preload_exists()
    {
        var html = await _node.Http.GetStringAsync("/c/alice");

        var preloads = Preload().Matches(html).Select(m => m.Groups[1].Value).ToList();
        // The player's modules are fetched with the page, not discovered import by import.
        foreach (var module in new[] { "/js/player/whep-player.js", "/js/webrtc/signalling.js", "/js/chat/client.js", "/js/session.js", "/js/dom.js" })
        {
            Assert.Contains(preloads, url => url.EndsWith(module, StringComparison.Ordinal));
        }
        Assert.Equal(preloads.Count, preloads.Distinct().Count());
        foreach (var url in preloads)
        {
            using var response = await _node.Http.GetAsync(url);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url} answers {(int)response.StatusCode}");
        }
    }

    [GeneratedRegex("<link rel=\"modulepreload\" href=\"([^\"]+)\"")]
    private static partial Regex Preload();

    [GeneratedRegex("<script type=\"module\" src=\"([^\"]+)\"")]
    private static partial Regex ScriptSource();
}
