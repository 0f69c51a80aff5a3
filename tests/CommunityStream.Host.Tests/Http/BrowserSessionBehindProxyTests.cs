using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace CommunityStream.Host.Tests.Http;

/// <summary>
/// A browser session behind a TLS-terminating reverse proxy: the browser's <c>Origin</c> is <c>https://site</c> while
/// the node is reached over http. With the proxy known (<c>Http:KnownProxies</c>), its <c>X-Forwarded-Proto: https</c>
/// makes the request's scheme https and the cookie refresh passes the Origin check; the same header from an unknown
/// peer is ignored, so a forged one cannot turn a wrong Origin into a right one.
/// </summary>
public sealed class BrowserSessionBehindProxyTests
{
    private static readonly IPAddress Proxy = IPAddress.Loopback;
    private static readonly IPAddress Stranger = IPAddress.Parse("127.0.0.2");

    [Fact]
    public async Task Should_accept_the_https_origin_only_through_a_known_proxy()
    {
        await using var node = await InProcessNode.StartAsync("--Http:KnownProxies:0", "127.0.0.1");
        await node.RegisterAsync("proxied");
        var site = node.BaseAddress.Authority; // the proxy passes the browser's Host on

        using var viaProxy = new HttpClient(From(Proxy)) { BaseAddress = node.BaseAddress };
        var (refresh, csrf) = await CookieLoginAsync(viaProxy);
        using (var plainOrigin = await RefreshAsync(viaProxy, refresh, csrf, $"http://{site}", forwardedProto: "https"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, plainOrigin.StatusCode);
            Assert.Equal("origin", (await plainOrigin.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        }
        using (var stranger = new HttpClient(From(Stranger)) { BaseAddress = node.BaseAddress })
        using (var forged = await RefreshAsync(stranger, refresh, csrf, $"https://{site}", forwardedProto: "https"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        }
        using var proxied = await RefreshAsync(viaProxy, refresh, csrf, $"https://{site}", forwardedProto: "https");
        Assert.Equal(HttpStatusCode.OK, proxied.StatusCode);
        Assert.Equal("proxied", (await proxied.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("user").GetProperty("username").GetString());
    }

    private static async Task<(string Refresh, string Csrf)> CookieLoginAsync(HttpClient client)
    {
        using var login = await client.PostAsJsonAsync("/api/auth/login", new { login = "proxied", password = InProcessNode.Password, session = "cookie" });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var cookies = login.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0].Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        return (cookies["cs_refresh"], cookies["cs_csrf"]);
    }

    private static Task<HttpResponseMessage> RefreshAsync(HttpClient client, string refresh, string csrf, string origin, string forwardedProto)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/refresh");
        request.Headers.Add("Cookie", $"cs_refresh={refresh}; cs_csrf={csrf}");
        request.Headers.Add("X-CSRF-Token", csrf);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("X-Forwarded-Proto", forwardedProto);
        request.Headers.Add("X-Forwarded-For", "203.0.113.9");
        return client.SendAsync(request);
    }

    // Connections from a chosen loopback source address (all of 127.0.0.0/8 is loopback); cookies are sent by hand.
    private static SocketsHttpHandler From(IPAddress source) => new()
    {
        UseCookies = false,
        ConnectCallback = async (context, cancel) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(source, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancel);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}
