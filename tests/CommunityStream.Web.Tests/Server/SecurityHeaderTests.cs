using System.Net;
using CommunityStream.Web.Http;
using CommunityStream.Web.Tests.Support;

namespace CommunityStream.Web.Tests.Server;

/// <summary>Every page, the 404 page included, carries the whole set of security headers; static files their own.</summary>
public sealed class SecurityHeaderTests(NodeFixture fixture) : IClassFixture<NodeFixture>
{
    public static TheoryData<string> Pages => ["/", "/c/alice", "/studio", "/login", "/signup", "/account", "/login?next=%2Faccount"];

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Page_carries_every_security_header(string path)
    {
        using var response = await fixture.Node.Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertPageHeaders(response);
    }

    [Fact]
    public async Task The_not_found_page_carries_them_too()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/no/such/page");
        request.Headers.Accept.ParseAdd("text/html");
        using var response = await fixture.Node.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        AssertPageHeaders(response);
    }

    [Fact]
    public async Task Policy_allows_nothing_inline_nothing_foreign_and_no_html_sinks()
    {
        using var response = await fixture.Node.Http.GetAsync("/");
        var directives = Header(response, "Content-Security-Policy").Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .ToDictionary(d => d.Split(' ')[0], d => d[(d.IndexOf(' ', StringComparison.Ordinal) + 1)..]);

        Assert.Equal("'none'", directives["default-src"]);
        Assert.Equal("'self'", directives["script-src"]);
        Assert.Equal("'self'", directives["style-src"]);
        Assert.Equal("'self'", directives["connect-src"]);
        Assert.Equal("'none'", directives["frame-ancestors"]);
        Assert.Equal("'none'", directives["base-uri"]);
        Assert.Equal("'script'", directives["require-trusted-types-for"]);
        Assert.Equal("'none'", directives["trusted-types"]);
        Assert.DoesNotContain(directives.Values, value => value.Contains("unsafe", StringComparison.Ordinal) || value.Contains('*', StringComparison.Ordinal));
    }

    [Fact]
    public async Task Static_files_are_nosniff_same_origin_and_sandboxed_when_opened_directly()
    {
        var emote = fixture.Assets.Prefix + "/emotes/smile.svg";
        using var response = await fixture.Node.Http.GetAsync(emote);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("same-origin", Header(response, "Cross-Origin-Resource-Policy"));
        Assert.Contains("sandbox", Header(response, "Content-Security-Policy"), StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", Header(response, "Content-Security-Policy"), StringComparison.Ordinal);
    }

    private static void AssertPageHeaders(HttpResponseMessage response)
    {
        Assert.Equal(SecurityHeaders.ContentSecurityPolicy, Header(response, "Content-Security-Policy"));
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("same-origin", Header(response, "Referrer-Policy"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Equal(SecurityHeaders.PermissionsPolicy, Header(response, "Permissions-Policy"));
        Assert.Equal("same-origin", Header(response, "Cross-Origin-Opener-Policy"));
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : throw new Xunit.Sdk.XunitException($"missing header {name}");
}
