using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace CommunityStream.Host.Tests.Admin;

/// <summary>Talks to a node's admin listener (<c>/admin/v1</c>) with its <c>Admin:ApiKey</c>, as <c>csctl</c> does.</summary>
internal sealed class AdminClient : IDisposable
{
    public const string ApiKey = "test-admin-api-key-0123456789";

    private readonly HttpClient _http;

    public AdminClient(InProcessNode node)
    {
        _http = new HttpClient { BaseAddress = new Uri(node.AdminAddress, "/admin/v1/") };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
    }

    public Task<HttpResponseMessage> GetAsync(string path) => _http.GetAsync(path);

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body = null) =>
        _http.SendAsync(new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) });

    /// <summary>The JSON body of a response with <paramref name="status"/>; fails the test with the body otherwise.</summary>
    public static async Task<JsonElement> ExpectAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
            if (status is HttpStatusCode.BadRequest or HttpStatusCode.NotFound or HttpStatusCode.Conflict)
            {
                Assert.StartsWith("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
            return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        }
    }

    public async Task<JsonElement> GetJsonAsync(string path, HttpStatusCode status = HttpStatusCode.OK) => await ExpectAsync(await GetAsync(path), status);

    public async Task<JsonElement> SendJsonAsync(HttpMethod method, string path, object? body = null, HttpStatusCode status = HttpStatusCode.OK) =>
        await ExpectAsync(await SendAsync(method, path, body), status);

    public void Dispose() => _http.Dispose();
}
