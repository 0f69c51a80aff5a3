using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Xml.Linq;
using CommunityStream.Web.Tests.Support;

namespace CommunityStream.Web.Tests.Server;

/// <summary><c>GET /api/emotes</c> lists the default set, and every URL in it serves a well-formed, script-free SVG.</summary>
public sealed class EmoteTests(NodeFixture fixture) : IClassFixture<NodeFixture>
{
    private static readonly string[] Expected = ["clap", "fire", "gg", "heart", "laugh", "party", "sad", "smile", "think", "thumbsup", "wave", "wow"];

    [Fact]
    public async Task Emote_list_is_name_and_url_pairs_sorted_by_name()
    {
        using var response = await fixture.Node.Http.GetAsync("/api/emotes");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.NoCache, "the list names this build's URLs: never kept across a deploy");
        var emotes = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(JsonValueKind.Array, emotes.ValueKind);
        var names = emotes.EnumerateArray().Select(e =>
        {
            Assert.Equal(["name", "url"], e.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
            return e.GetProperty("name").GetString()!;
        }).ToList();
        Assert.Equal(Expected, names);
        Assert.All(names, name => Assert.Matches("^[a-z0-9_]+$", name));
        Assert.All(emotes.EnumerateArray(), e => Assert.Equal($"{fixture.Assets.Prefix}/emotes/{e.GetProperty("name").GetString()}.svg", e.GetProperty("url").GetString()));
    }

    [Fact]
    public async Task Every_emote_url_serves_a_clean_svg()
    {
        var emotes = await fixture.Node.Http.GetFromJsonAsync<JsonElement>("/api/emotes");
        foreach (var emote in emotes.EnumerateArray())
        {
            using var response = await fixture.Node.Http.GetAsync(emote.GetProperty("url").GetString());

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("image/svg+xml", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains(response.Headers.CacheControl!.Extensions, e => e.Name == "immutable");
            var svg = XDocument.Parse(await response.Content.ReadAsStringAsync());
            XNamespace ns = "http://www.w3.org/2000/svg";
            Assert.Equal(ns + "svg", svg.Root!.Name);
            Assert.NotNull(svg.Root.Attribute("viewBox"));
            Assert.DoesNotContain(svg.Descendants(), e => e.Name.LocalName is "script" or "foreignObject" or "image" or "a");
            Assert.DoesNotContain(svg.Descendants().SelectMany(e => e.Attributes()), a => a.Name.LocalName.StartsWith("on", StringComparison.OrdinalIgnoreCase) || a.Value.Contains("url(http", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Stable_address_serves_the_same_image_and_unknown_names_are_404()
    {
        using var stable = await fixture.Node.Http.GetAsync("/emotes/heart.svg");
        var fingerprinted = await fixture.Node.Http.GetByteArrayAsync($"{fixture.Assets.Prefix}/emotes/heart.svg");

        Assert.Equal(HttpStatusCode.OK, stable.StatusCode);
        Assert.Equal("image/svg+xml", stable.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromHours(1), stable.Headers.CacheControl?.MaxAge);
        Assert.Contains("sandbox", string.Join(' ', stable.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        Assert.Equal(fingerprinted, await stable.Content.ReadAsByteArrayAsync());

        foreach (var missing in new[] { "/emotes/nope.svg", "/emotes/heart", "/emotes/heart.SVG", "/emotes/%2E%2E%2Fcss%2Fbase.css" })
        {
            using var response = await fixture.Node.Http.GetAsync(missing);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
    }
}
