using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;

namespace CommunityStream.WebBudget;

/// <summary>The bench's channel and its stream key: made through the public API by an administrator, or given.</summary>
internal static class BenchStreamer
{
    private static readonly string[] StreamerRoles = ["viewer", "streamer"];

    /// <summary>Registers <paramref name="channel"/>, grants it the streamer role and returns a fresh stream key.</summary>
    public static async Task<string> CreateAsync(Uri site, string adminLogin, string adminPassword, string channel)
    {
        using var http = new HttpClient { BaseAddress = site };
        var admin = await LoginAsync(http, adminLogin, adminPassword);
        var password = "Wb-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
        using (var register = await http.PostAsJsonAsync("/api/auth/register", new { username = channel, email = $"{channel}@example.test", password }))
        {
            if (!register.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"registering {channel}: {(int)register.StatusCode} {await register.Content.ReadAsStringAsync()} (pick another --channel)");
            }
            var id = (await register.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
            using var grant = new HttpRequestMessage(HttpMethod.Put, $"/api/users/{id}/roles") { Content = JsonContent.Create(new { roles = StreamerRoles }) };
            grant.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin);
            using var granted = await http.SendAsync(grant);
            granted.EnsureSuccessStatusCode();
        }
        var token = await LoginAsync(http, channel, password);
        using var rotate = new HttpRequestMessage(HttpMethod.Post, "/api/me/stream-key");
        rotate.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var rotated = await http.SendAsync(rotate);
        rotated.EnsureSuccessStatusCode();
        return (await rotated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("streamKey").GetString()!;
    }

    private static async Task<string> LoginAsync(HttpClient http, string login, string password)
    {
        using var response = await http.PostAsJsonAsync("/api/auth/login", new { login, password });
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"login {login}: {(int)response.StatusCode}");
        }
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }
}
