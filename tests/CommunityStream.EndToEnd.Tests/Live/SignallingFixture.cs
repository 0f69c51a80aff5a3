using System.Net.Http.Headers;
using System.Text;

namespace CommunityStream.EndToEnd.Tests.Live;

/// <summary>One node with CORS and ICE servers configured, an admin, and helpers to POST SDP like a WHIP/WHEP client.</summary>
public sealed class SignallingFixture : IAsyncLifetime
{
    public const string PlayerOrigin = "http://player.example";

    public InProcessNode Node { get; private set; } = null!;

    public string AdminToken { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Node = await InProcessNode.StartAsync(
            "--Media:CorsOrigins:0", PlayerOrigin,
            "--Media:IceServers:0:Url", "stun:stun.example.org:3478",
            "--Media:IceServers:1:Url", "turn:turn.example.org:3478?transport=udp",
            "--Media:IceServers:1:Username", "user",
            "--Media:IceServers:1:Credential", "secret");
        AdminToken = await Node.CreateAdminAsync("admin");
    }

    public async Task DisposeAsync() => await Node.DisposeAsync();

    internal Task<Streamer> StreamerAsync(string name) => Streamer.CreateAsync(Node, AdminToken, name);

    public async Task<HttpResponseMessage> PostSdpAsync(string path, string sdp, string? bearer = null, string contentType = "application/sdp")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(sdp, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }
        return await Node.Http.SendAsync(request);
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? bearer = null, HttpContent? content = null, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
        return await Node.Http.SendAsync(request);
    }
}
