using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Net.WebSockets;

namespace CommunityStream.Host.Tests.Http;

/// <summary>
/// Behind a reverse proxy the per-IP limits must see the client: with loopback 127.0.0.1 configured as the proxy
/// (<c>Http:KnownProxies</c>), two clients named by <c>X-Forwarded-For</c> get a budget each, on <c>/ws</c> (both the
/// upgrade before HTTP and the HTTP endpoint) and on login throttling. The header of an unknown peer (127.0.0.2, a
/// client reaching the node directly) and every header on a node without the setting are ignored.
/// </summary>
public sealed class ForwardedClientTests
{
    private const int SocketsPerAddress = 2;
    private const int LoginsPerMinute = 3;
    private static readonly IPAddress Proxy = IPAddress.Loopback;
    private static readonly IPAddress Stranger = IPAddress.Parse("127.0.0.2");

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Should_give_each_forwarded_client_its_own_socket_budget_behind_a_known_proxy(bool upgradeBeforeHttp)
    {
        await using var node = await StartAsync(upgradeBeforeHttp, "--Http:KnownProxies:0", "127.0.0.1");
        var open = new List<WebSocket>();
        try
        {
            open.AddRange(await FillAsync(node, Proxy, "203.0.113.1", upgradeBeforeHttp));
            Assert.Equal(HttpStatusCode.TooManyRequests, await RefusedAsync(node, Proxy, "203.0.113.1"));
            // Another client behind the same proxy is not charged for the first one's sockets.
            open.AddRange(await FillAsync(node, Proxy, "198.51.100.2, 203.0.113.2", upgradeBeforeHttp));
            Assert.Equal(HttpStatusCode.TooManyRequests, await RefusedAsync(node, Proxy, "203.0.113.2"));

            // A client connecting directly cannot pick its budget by writing the header.
            open.AddRange(await FillAsync(node, Stranger, "203.0.113.3", upgradeBeforeHttp));
            Assert.Equal(HttpStatusCode.TooManyRequests, await RefusedAsync(node, Stranger, "203.0.113.4"));
        }
        finally
        {
            open.ForEach(socket => socket.Abort());
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Should_ignore_forwarded_clients_on_sockets_without_known_proxies(bool upgradeBeforeHttp)
    {
        await using var node = await StartAsync(upgradeBeforeHttp);
        var open = new List<WebSocket>();
        try
        {
            open.AddRange(await FillAsync(node, Proxy, "203.0.113.1", upgradeBeforeHttp));
            Assert.Equal(HttpStatusCode.TooManyRequests, await RefusedAsync(node, Proxy, "203.0.113.2"));
        }
        finally
        {
            open.ForEach(socket => socket.Abort());
        }
    }

    [Fact]
    public async Task Should_throttle_logins_per_forwarded_client_behind_a_known_proxy_and_per_peer_otherwise()
    {
        await using var node = await StartAsync(upgradeBeforeHttp: true, "--Http:KnownProxies:0", "127.0.0.1");
        for (var i = 0; i < LoginsPerMinute; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await LoginAsync(node, Proxy, "203.0.113.1"));
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, await LoginAsync(node, Proxy, "203.0.113.1"));
        Assert.Equal(HttpStatusCode.Unauthorized, await LoginAsync(node, Proxy, "203.0.113.2"));

        for (var i = 0; i < LoginsPerMinute; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await LoginAsync(node, Stranger, $"203.0.113.{10 + i}"));
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, await LoginAsync(node, Stranger, "203.0.113.20"));
    }

    [Fact]
    public async Task Should_throttle_logins_per_peer_without_known_proxies()
    {
        await using var node = await StartAsync(upgradeBeforeHttp: true);
        for (var i = 0; i < LoginsPerMinute; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await LoginAsync(node, Proxy, $"203.0.113.{10 + i}"));
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, await LoginAsync(node, Proxy, "203.0.113.20"));
    }

    private static Task<InProcessNode> StartAsync(bool upgradeBeforeHttp, params string[] arguments) =>
        InProcessNode.StartAsync([
            "--Chat:MaxConnectionsPerIp", SocketsPerAddress.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--Chat:UpgradeBeforeHttp", upgradeBeforeHttp ? "true" : "false",
            "--Identity:Throttle:IpAttemptsPerMinute", LoginsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
            .. arguments]);

    private static async Task<List<WebSocket>> FillAsync(InProcessNode node, IPAddress source, string forwardedFor, bool beforeHttp)
    {
        var sockets = new List<WebSocket>();
        for (var i = 0; i < SocketsPerAddress; i++)
        {
            var (socket, status) = await UpgradeAsync(node, source, forwardedFor);
            Assert.True(socket is not null, $"socket {i + 1} for {forwardedFor} via {source} was refused with {status}");
            sockets.Add(socket);
            // Accepted by the path under test, not by the other one after a refusal: Kestrel's HTTP responses carry a
            // Date header, the upgrade accepted before HTTP writes none.
            Assert.Equal(!beforeHttp, socket.HttpResponseHeaders!.ContainsKey("Date"));
        }
        return sockets;
    }

    private static async Task<HttpStatusCode> RefusedAsync(InProcessNode node, IPAddress source, string forwardedFor)
    {
        var (socket, status) = await UpgradeAsync(node, source, forwardedFor);
        socket?.Abort();
        return status;
    }

    private static async Task<(ClientWebSocket? Socket, HttpStatusCode Status)> UpgradeAsync(InProcessNode node, IPAddress source, string forwardedFor)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("X-Forwarded-For", forwardedFor);
        using var invoker = new HttpMessageInvoker(From(source));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await socket.ConnectAsync(node.WebSocketUri(), invoker, timeout.Token);
            return (socket, HttpStatusCode.SwitchingProtocols);
        }
        catch (WebSocketException)
        {
            var status = socket.HttpStatusCode;
            socket.Dispose();
            return (null, status);
        }
    }

    private static async Task<HttpStatusCode> LoginAsync(InProcessNode node, IPAddress source, string forwardedFor)
    {
        using var client = new HttpClient(From(source)) { BaseAddress = node.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login") { Content = JsonContent.Create(new { login = "nobody", password = "" }) };
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    // Connections from a chosen loopback source address (all of 127.0.0.0/8 is loopback).
    private static SocketsHttpHandler From(IPAddress source) => new()
    {
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
