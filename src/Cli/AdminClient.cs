using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace CommunityStream.Cli;

/// <summary>
/// The admin API (<c>/admin/v1</c>) over HTTP. It knows routes and JSON property names only, none of the server's
/// types: csctl stays a thin client that works against any node of the same API version.
/// </summary>
internal sealed class AdminClient(HttpClient http) : IDisposable
{
    private const string Prefix = "admin/v1/";

    public Task<JsonElement> GetAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, path, null, cancellationToken);

    public Task<JsonElement> PostAsync(string path, object? body, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, path, body, cancellationToken);

    public Task<JsonElement> PutAsync(string path, object? body, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Put, path, body, cancellationToken);

    public Task<JsonElement> DeleteAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Delete, path, null, cancellationToken);

    public static string Segment(string value) => Uri.EscapeDataString(value);

    private async Task<JsonElement> SendAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(Prefix + path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: new JsonSerializerOptions(JsonSerializerDefaults.Web));
        }
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new AdminApiException((int)response.StatusCode, Describe(response, text));
        }
        if (string.IsNullOrWhiteSpace(text))
        {
            return default;
        }
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    // "404 Not Found: No such cluster member. (akka.tcp://... is not a member)" from an RFC 7807 problem body.
    private static string Describe(HttpResponseMessage response, string body)
    {
        var status = $"{(int)response.StatusCode} {response.ReasonPhrase}";
        try
        {
            using var problem = JsonDocument.Parse(body);
            var root = problem.RootElement;
            var title = root.TryGetProperty("title", out var t) ? t.GetString() : null;
            var detail = root.TryGetProperty("detail", out var d) ? d.GetString() : null;
            var errors = root.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Object
                ? string.Join("; ", e.EnumerateObject().SelectMany(field => field.Value.EnumerateArray().Select(message => $"{field.Name}: {message.GetString()}")))
                : null;
            var parts = new[] { title, detail, errors }.Where(part => !string.IsNullOrWhiteSpace(part));
            return $"{status}: {string.Join(" ", parts)}".TrimEnd(':', ' ');
        }
        catch (JsonException)
        {
            return status;
        }
    }

    public void Dispose() => http.Dispose();
}
