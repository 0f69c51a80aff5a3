using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace CommunityStream.Web.Tests.Browser;

/// <summary>Accounts and their state as the studio's tests need them, through the public API.</summary>
internal static class StudioAccounts
{
    /// <summary>
    /// Signs the page's browser context in the way the login page does (cookie session: the refresh token in the
    /// HttpOnly cookie), so the next page load restores the session. The page must be on the site's origin.
    /// </summary>
    public static async Task SignInAsync(IPage page, string username, string password = InProcessNode.Password)
    {
        var status = await page.EvaluateAsync<int>("""
            async ([login, password]) => (await fetch('/api/auth/login', {
              method: 'POST', headers: { 'Content-Type': 'application/json' },
              body: JSON.stringify({ login, password, session: 'cookie' }) })).status
            """, new[] { username, password });
        Assert.Equal(200, status);
    }

    /// <summary><c>GET /api/streams/{channel}</c> as anyone sees it.</summary>
    public static async Task<JsonElement> StreamAsync(InProcessNode node, string channel) =>
        await node.Http.GetFromJsonAsync<JsonElement>($"/api/streams/{channel}");

    /// <summary>Rotates the stream key through the API (as OBS users did before the studio) and returns it.</summary>
    public static async Task<string> RotateStreamKeyAsync(InProcessNode node, string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/me/stream-key");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await node.Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("streamKey").GetString()!;
    }
}
