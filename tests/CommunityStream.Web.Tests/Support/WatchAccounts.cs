using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace CommunityStream.Web.Tests.Support;

/// <summary>Accounts, channels and browser sign-in for the watch page's tests, through the public HTTP API.</summary>
internal static class WatchAccounts
{
    /// <summary>Registers a streamer, sets the channel's title and returns (access token, stream key).</summary>
    public static async Task<(string Token, string StreamKey)> CreateStreamerAsync(InProcessNode node, string adminToken, string name, string title)
    {
        await node.RegisterAsync(name, adminToken, "viewer", "streamer");
        var token = await node.LoginAsync(name);
        using var keyRequest = new HttpRequestMessage(HttpMethod.Post, "/api/me/stream-key");
        keyRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var keyResponse = await node.Http.SendAsync(keyRequest);
        keyResponse.EnsureSuccessStatusCode();
        var key = (await keyResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("streamKey").GetString()!;
        using var titleRequest = new HttpRequestMessage(HttpMethod.Patch, $"/api/streams/{name}") { Content = JsonContent.Create(new { title }) };
        titleRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var titleResponse = await node.Http.SendAsync(titleRequest);
        titleResponse.EnsureSuccessStatusCode();
        return (token, key);
    }

    /// <summary>Signs the page's browser context in as <paramref name="username"/> with the cookie session, as the login page does.</summary>
    public static async Task SignInAsync(IPage page, string username)
    {
        if (page.Url == "about:blank")
        {
            await page.GotoAsync("/login");
        }
        var status = await page.EvaluateAsync<int>("""
            async ([login, password]) => (await fetch('/api/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json' },
              body: JSON.stringify({ login, password, session: 'cookie' }) })).status
            """, new[] { username, InProcessNode.Password });
        Assert.Equal(200, status);
    }
}
