using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace CommunityStream.Web.Tests.Support;

/// <summary>Accounts and sign-in for the browser tests: made through the public API, used through the pages.</summary>
internal static class WebUsers
{
    /// <summary>Signs in through <c>/login</c> and waits for the header to show the user.</summary>
    public static async Task SignInAsync(IPage page, string username, string password = InProcessNode.Password, string next = "/")
    {
        await page.GotoAsync($"/login?next={Uri.EscapeDataString(next)}");
        await page.Locator("#login-name").FillAsync(username);
        await page.Locator("#login-password").FillAsync(password);
        await page.Locator("#login-submit").ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).PathAndQuery == next);
        await Assertions.Expect(page.Locator("#site-header nav")).ToContainTextAsync(username);
    }

    /// <summary>Whether <paramref name="password"/> signs <paramref name="username"/> in over the JSON API.</summary>
    public static async Task<HttpStatusCode> LoginStatusAsync(InProcessNode node, string username, string password)
    {
        using var login = await node.Http.PostAsJsonAsync("/api/auth/login", new { login = username, password });
        return login.StatusCode;
    }

    /// <summary>A streamer's stream key (rotated now: the key is shown once).</summary>
    public static async Task<string> StreamKeyAsync(InProcessNode node, string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/me/stream-key");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await node.Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("streamKey").GetString()!;
    }

    /// <summary>Sets a channel's title (it is kept for its next stream).</summary>
    public static async Task SetTitleAsync(InProcessNode node, string accessToken, string channel, string title)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/streams/{channel}") { Content = JsonContent.Create(new { title }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await node.Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
    }
}

/// <summary>
/// Goes live from a Chromium page with the fake camera and microphone over WHIP (fetch() to the same site), and ends
/// the stream with DELETE on the session. The page is any page of the site; the script runs in it.
/// </summary>
internal static class WhipPublisher
{
    public const string Publish = """
        async ({ url, key }) => {
          const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 480 } });
          window.publisher = new RTCPeerConnection();
          for (const track of stream.getTracks()) publisher.addTransceiver(track, { direction: 'sendonly' });
          await publisher.setLocalDescription(await publisher.createOffer());
          const response = await fetch(url, { method: 'POST', body: publisher.localDescription.sdp,
            headers: { 'Content-Type': 'application/sdp', 'Authorization': 'Bearer ' + key } });
          const body = await response.text();
          if (response.status !== 201) return response.status + ' ' + body;
          window.whipSession = new URL(response.headers.get('Location'), new URL(url, location.href)).toString();
          await publisher.setRemoteDescription({ type: 'answer', sdp: body });
          return '201';
        }
        """;

    public const string Unpublish = """
        async (key) => { const status = (await fetch(whipSession, { method: 'DELETE', headers: { 'Authorization': 'Bearer ' + key } })).status; publisher.close(); return status; }
        """;

    public static async Task StartAsync(IPage page, string channel, string key)
    {
        var result = await page.EvaluateAsync<string>(Publish, new { url = $"/whip/{channel}", key });
        Assert.True(result == "201", $"WHIP publish: {result}");
    }

    public static async Task StopAsync(IPage page, string key) =>
        Assert.Equal(200, await page.EvaluateAsync<int>(Unpublish, key));
}
