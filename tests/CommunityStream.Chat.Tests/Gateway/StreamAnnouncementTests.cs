using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CommunityStream.Chat.Tests.Support;

namespace CommunityStream.Chat.Tests.Gateway;

/// <summary>
/// The channel room hears its live video start and end: a WHIP publish (the Media module) reaches the room's
/// members as a <c>stream</c> frame through the integration event, without Chat depending on Media.
/// </summary>
public sealed class StreamAnnouncementTests
{
    [Fact]
    public async Task Should_tell_the_channel_rooms_members_when_its_stream_goes_live_and_offline()
    {
        await using var node = await InProcessNode.StartAsync();
        var admin = await node.CreateAdminAsync("root");
        await node.RegisterAsync("dana", admin, "viewer", "streamer");
        var dana = await node.LoginAsync("dana");
        using var keyRequest = new HttpRequestMessage(HttpMethod.Post, "/api/me/stream-key");
        keyRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", dana);
        using var keyResponse = await node.Http.SendAsync(keyRequest);
        var key = (await keyResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("streamKey").GetString()!;
        await using var viewer = await ChatClient.ConnectAsync(node.WebSocketUri());
        await viewer.JoinAsync("dana");

        using var publish = new HttpRequestMessage(HttpMethod.Post, "/whip/dana") { Content = new StringContent(ChromeOffers.Publish, Encoding.UTF8) };
        publish.Content.Headers.ContentType = new MediaTypeHeaderValue("application/sdp");
        publish.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var published = await node.Http.SendAsync(publish);
        Assert.Equal(HttpStatusCode.Created, published.StatusCode);

        var live = await viewer.NextAsync(f => ChatClient.Is(f, "stream"), TimeSpan.FromSeconds(10));
        Assert.True(live.GetProperty("live").GetBoolean());
        Assert.Equal("dana", live.GetProperty("room").GetString());

        using var stop = new HttpRequestMessage(HttpMethod.Delete, published.Headers.Location);
        stop.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var stopped = await node.Http.SendAsync(stop);
        Assert.Equal(HttpStatusCode.OK, stopped.StatusCode);

        var offline = await viewer.NextAsync(f => ChatClient.Is(f, "stream"), TimeSpan.FromSeconds(10));
        Assert.False(offline.GetProperty("live").GetBoolean());
    }
}
