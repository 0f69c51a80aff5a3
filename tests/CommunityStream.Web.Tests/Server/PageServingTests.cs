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
        Assert.DoesNotContain("{{assets}}", html, StringComparison.Ordinal);

        using var module = await _node.Http.GetAsync(script.Groups[1].Value);
        Assert.Equal(HttpStatusCode.OK, module.StatusCode);
        Assert.True(module.Headers.CacheControl?.MaxAge >= TimeSpan.FromDays(365), "fingerprinted files are cached for a year");
    }

    [GeneratedRegex("<script type=\"module\" src=\"([^\"]+)\"")]
    private static partial Regex ScriptSource();
}
