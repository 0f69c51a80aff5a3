using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace CommunityStream.EndToEnd.Tests.Live;

/// <summary>A streamer account with its stream key, made through the public Identity API of a node.</summary>
internal sealed record Streamer(string Channel, string AccessToken, string StreamKey)
{
    public static async Task<Streamer> CreateAsync(InProcessNode node, string adminToken, string name)
    {
        await node.RegisterAsync(name, adminToken, "viewer", "streamer");
        var token = await node.LoginAsync(name);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/me/stream-key");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await node.Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var key = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("streamKey").GetString()!;
        return new Streamer(name, token, key);
    }
}
