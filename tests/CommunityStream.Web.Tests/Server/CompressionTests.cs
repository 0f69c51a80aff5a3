using System.IO.Compression;
using System.Net;
using System.Text;
using CommunityStream.Web.Tests.Support;

namespace CommunityStream.Web.Tests.Server;

/// <summary>
/// Content-coding negotiation on pages and files (RFC 9110 §12.5.3): the best quality the client accepts, Brotli on a
/// tie, <c>q=0</c> as "not acceptable", identity when nothing else is; HEAD answers the same headers without a body.
/// </summary>
public sealed class CompressionTests(NodeFixture fixture) : IClassFixture<NodeFixture>
{
    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("gzip, deflate, br, zstd", "br")]
    [InlineData("br", "br")]
    [InlineData("gzip", "gzip")]
    [InlineData("identity", null)]
    [InlineData("br;q=0, gzip", "gzip")]
    [InlineData("br;q=0, gzip;q=0", null)]
    [InlineData("gzip;q=1, br;q=0.5", "gzip")]
    [InlineData("*", "br")]
    [InlineData("*;q=0.5, br;q=0", "gzip")]
    [InlineData("*;q=0, identity", null)]
    [InlineData("deflate, compress", null)]
    [InlineData("BR", "br")]
    public async Task Coding_follows_accept_encoding(string? acceptEncoding, string? expected)
    {
        var module = await fixture.ModuleOfAsync("/");
        foreach (var path in new[] { "/", "/login", module, $"{fixture.Assets.Prefix}/css/base.css" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            if (acceptEncoding is not null)
            {
                request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
            }
            using var response = await fixture.Node.Http.SendAsync(request);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(expected, response.Content.Headers.ContentEncoding.SingleOrDefault());
            Assert.Contains("Accept-Encoding", response.Headers.Vary);
            var body = await response.Content.ReadAsByteArrayAsync();
            Assert.Equal(body.Length, response.Content.Headers.ContentLength);
            var text = Decode(body, expected);
            Assert.True(text.Contains("<!doctype html>", StringComparison.Ordinal) || text.Contains("import", StringComparison.Ordinal) || text.Contains('{', StringComparison.Ordinal),
                $"{path} in {expected ?? "identity"} decodes to the file");
        }
    }

    [Fact]
    public async Task Every_coding_decodes_to_the_same_bytes()
    {
        var path = $"{fixture.Assets.Prefix}/js/session.js";
        var identity = Decode(await BodyAsync(path, "identity"), null);
        Assert.Equal(identity, Decode(await BodyAsync(path, "br"), "br"));
        Assert.Equal(identity, Decode(await BodyAsync(path, "gzip"), "gzip"));
        Assert.True((await BodyAsync(path, "br")).Length < Encoding.UTF8.GetByteCount(identity) / 2, "Brotli at least halves a module");
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/signup")]
    public async Task Head_answers_the_headers_of_get_without_a_body(string path)
    {
        foreach (var coding in new[] { "br", "gzip", "identity" })
        {
            using var get = new HttpRequestMessage(HttpMethod.Get, path);
            get.Headers.TryAddWithoutValidation("Accept-Encoding", coding);
            using var got = await fixture.Node.Http.SendAsync(get);
            using var head = new HttpRequestMessage(HttpMethod.Head, path);
            head.Headers.TryAddWithoutValidation("Accept-Encoding", coding);
            using var headed = await fixture.Node.Http.SendAsync(head);

            Assert.Equal(HttpStatusCode.OK, headed.StatusCode);
            Assert.Empty(await headed.Content.ReadAsByteArrayAsync());
            Assert.Equal(got.Content.Headers.ContentLength, headed.Content.Headers.ContentLength);
            Assert.Equal(got.Content.Headers.ContentEncoding, headed.Content.Headers.ContentEncoding);
            Assert.Equal(got.Headers.ETag, headed.Headers.ETag);
            Assert.Equal(got.Content.Headers.ContentType, headed.Content.Headers.ContentType);
        }
    }

    [Fact]
    public async Task Head_of_an_asset_is_served_too()
    {
        using var head = new HttpRequestMessage(HttpMethod.Head, $"{fixture.Assets.Prefix}/css/base.css");
        using var response = await fixture.Node.Http.SendAsync(head);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Content.Headers.ContentLength > 0);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    private async Task<byte[]> BodyAsync(string path, string coding)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Accept-Encoding", coding);
        using var response = await fixture.Node.Http.SendAsync(request);
        return await response.Content.ReadAsByteArrayAsync();
    }

    private static string Decode(byte[] body, string? coding)
    {
        using Stream input = coding switch
        {
            "br" => new BrotliStream(new MemoryStream(body), CompressionMode.Decompress),
            "gzip" => new GZipStream(new MemoryStream(body), CompressionMode.Decompress),
            _ => new MemoryStream(body),
        };
        using var reader = new StreamReader(input, Encoding.UTF8);
        return reader.ReadToEnd();
    }

}
