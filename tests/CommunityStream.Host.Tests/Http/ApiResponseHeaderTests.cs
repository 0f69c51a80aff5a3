using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace CommunityStream.Host.Tests.Http;

/// <summary>
/// Every API answer of a real node (public API, WHIP, WHEP, the admin listener; successes and problems) says
/// <c>X-Content-Type-Options: nosniff</c>, and the admin login's token answer is never cached.
/// </summary>
[Collection(Support.SerialHostTests.Name)]
public sealed class ApiResponseHeaderTests
{
    private const string ApiKey = "headers-admin-api-key-0123456789";

    [Fact]
    public async Task Should_send_nosniff_on_every_api_answer_and_no_store_on_the_admin_token()
    {
        await using var node = await InProcessNode.StartAsync("--Admin:ApiKey", ApiKey);
        await node.CreateAdminAsync("headers_admin");
        using var admin = new HttpClient { BaseAddress = node.AdminAddress };

        var requests = new (HttpClient Client, HttpRequestMessage Request, HttpStatusCode Status)[]
        {
            (node.Http, new HttpRequestMessage(HttpMethod.Get, "/api/streams"), HttpStatusCode.OK),
            (node.Http, new HttpRequestMessage(HttpMethod.Get, "/api/me"), HttpStatusCode.Unauthorized),
            (node.Http, new HttpRequestMessage(HttpMethod.Post, "/api/auth/login") { Content = JsonContent.Create(new { login = "nobody", password = "" }) }, HttpStatusCode.Unauthorized),
            (node.Http, new HttpRequestMessage(HttpMethod.Get, "/api/no/such/thing"), HttpStatusCode.NotFound),
            (node.Http, new HttpRequestMessage(HttpMethod.Post, "/whip/headers_admin") { Content = Sdp() }, HttpStatusCode.Unauthorized),
            (node.Http, new HttpRequestMessage(HttpMethod.Post, "/whep/headers_admin") { Content = new StringContent("x") }, HttpStatusCode.UnsupportedMediaType),
            (admin, WithKey(new HttpRequestMessage(HttpMethod.Get, "/admin/v1/users")), HttpStatusCode.OK),
            (admin, new HttpRequestMessage(HttpMethod.Get, "/admin/v1/users"), HttpStatusCode.Unauthorized),
        };
        foreach (var (client, request, status) in requests)
        {
            var path = request.RequestUri;
            using var response = await client.SendAsync(request);
            Assert.Equal(status, response.StatusCode);
            Assert.True(response.Headers.TryGetValues("X-Content-Type-Options", out var values) && values.Single() == "nosniff", $"{path}: no nosniff");
        }

        using var login = await admin.PostAsJsonAsync("/admin/v1/login", new { username = "headers_admin", password = InProcessNode.Password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.True(login.Headers.CacheControl?.NoStore, $"Cache-Control: {login.Headers.CacheControl}");
        Assert.Contains("no-cache", login.Headers.Pragma.Select(p => p.Name));
        Assert.Equal("nosniff", login.Headers.GetValues("X-Content-Type-Options").Single());
    }

    private static HttpRequestMessage WithKey(HttpRequestMessage request)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        return request;
    }

    private static StringContent Sdp() => new("v=0\r\n", new MediaTypeHeaderValue("application/sdp"));
}
