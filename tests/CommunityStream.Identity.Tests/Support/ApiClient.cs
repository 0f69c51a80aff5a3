using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace CommunityStream.Identity.Tests.Support;

public sealed record UserDto(Guid Id, string Username, string Email, string[] Roles, bool Disabled, DateTimeOffset CreatedAt);

public sealed record TokenDto(string AccessToken, string RefreshToken, int ExpiresIn, string TokenType);

public sealed record StreamKeyDto(string StreamKey, DateTimeOffset CreatedAt);

/// <summary>Small wrappers over a real HttpClient; they assert status codes so tests read as steps.</summary>
public static class ApiClient
{
    public const string Password = "Correct-Horse-9";

    public static string NewUsername(string prefix = "u") => $"{prefix}_{Guid.NewGuid():N}"[..20];

    public static Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, object? body = null, string? token = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> PostAsync(HttpClient client, string path, object? body = null, string? token = null) =>
        SendAsync(client, HttpMethod.Post, path, body, token);

    public static async Task<UserDto> RegisterAsync(HttpClient client, string username, string password = Password)
    {
        using var response = await PostAsync(client, "/api/auth/register", new { username, email = $"{username}@example.test", password });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<UserDto>())!;
    }

    public static async Task<TokenDto> LoginAsync(HttpClient client, string login, string password = Password)
    {
        using var response = await PostAsync(client, "/api/auth/login", new { login, password });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<TokenDto>())!;
    }

    public static async Task<(UserDto User, TokenDto Tokens)> RegisterAndLoginAsync(HttpClient client, string prefix = "u")
    {
        var user = await RegisterAsync(client, NewUsername(prefix));
        return (user, await LoginAsync(client, user.Username));
    }

    /// <summary>Asserts an RFC 7807 body with the given status and returns it.</summary>
    public static async Task<JsonElement> ReadProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var problem = document.RootElement.Clone();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }
}
