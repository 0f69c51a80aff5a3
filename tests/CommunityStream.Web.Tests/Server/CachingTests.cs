using System.Net;
using System.Net.Http.Headers;
using CommunityStream.Web.Tests.Support;

namespace CommunityStream.Web.Tests.Server;

/// <summary>
/// Fingerprinted files are cached for a year and never revalidated; pages are revalidated on every load and a
/// reload of an unchanged page is a 304; a file of another build is a 404 nobody may store.
/// </summary>
public sealed class CachingTests(NodeFixture fixture) : IClassFixture<NodeFixture>
{
    [Theory]
    [InlineData("js/session.js", "text/javascript")]
    [InlineData("css/base.css", "text/css")]
    [InlineData("css/pages.css", "text/css")]
    [InlineData("img/logo.svg", "image/svg+xml")]
    public async Task Asset_is_immutable_for_a_year(string file, string mediaType)
    {
        using var response = await fixture.Node.Http.GetAsync($"{fixture.Assets.Prefix}/{file}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        var cache = response.Headers.CacheControl!;
        Assert.True(cache.Public);
        Assert.Equal(TimeSpan.FromDays(365), cache.MaxAge);
        Assert.Contains(cache.Extensions, e => e.Name == "immutable");
        Assert.NotNull(response.Headers.ETag);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/c/alice")]
    [InlineData("/account")]
    public async Task Page_is_revalidated_and_a_reload_is_a_304(string path)
    {
        using var first = await fixture.Node.Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.True(first.Headers.CacheControl?.NoCache, "pages must be revalidated");
        Assert.Null(first.Headers.CacheControl?.MaxAge);
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);
        Assert.False(etag.IsWeak);

        using var reload = new HttpRequestMessage(HttpMethod.Get, path);
        reload.Headers.IfNoneMatch.Add(etag);
        using var second = await fixture.Node.Http.SendAsync(reload);

        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Empty(await second.Content.ReadAsByteArrayAsync());
        Assert.Equal(etag, second.Headers.ETag);
        Assert.True(second.Headers.CacheControl?.NoCache);
    }

    [Fact]
    public async Task A_stale_or_foreign_validator_gets_the_whole_page()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/login");
        request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"0123456789abcdef\""));
        using var response = await fixture.Node.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("data-page=\"login\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validator_of_another_coding_of_the_same_file_is_a_304()
    {
        var module = await fixture.ModuleOfAsync("/");
        using var brotli = new HttpRequestMessage(HttpMethod.Get, module);
        brotli.Headers.AcceptEncoding.ParseAdd("br");
        using var compressed = await fixture.Node.Http.SendAsync(brotli);
        var brotliTag = compressed.Headers.ETag!;

        using var plain = new HttpRequestMessage(HttpMethod.Get, module);
        plain.Headers.IfNoneMatch.Add(brotliTag);
        using var revalidated = await fixture.Node.Http.SendAsync(plain);

        Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
        Assert.NotEqual(brotliTag, revalidated.Headers.ETag); // each coding is its own representation
    }

    [Theory]
    [InlineData("000000000000")]
    [InlineData("ffffffffffff")]
    public async Task Another_builds_url_is_a_404_nobody_stores(string build)
    {
        using var response = await fixture.Node.Http.GetAsync($"/assets/{build}/js/session.js");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore, "a 404 under an immutable-looking URL must not be cached");
    }

    [Fact]
    public async Task Unknown_file_of_this_build_is_a_404_nobody_stores()
    {
        using var response = await fixture.Node.Http.GetAsync($"{fixture.Assets.Prefix}/js/missing.js");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore);
    }

    [Fact]
    public async Task Build_id_is_in_every_page_and_changes_with_content()
    {
        var module = await fixture.ModuleOfAsync("/");

        Assert.StartsWith(fixture.Assets.Prefix + "/", module, StringComparison.Ordinal);
        Assert.Matches("^[0-9a-f]{12}$", fixture.Assets.BuildId);
    }
}
