using System.Net.Sockets;
using System.Text;
using CommunityStream.Chat.Gateway.Accept;
using CommunityStream.Chat.Tests.Support;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;

namespace CommunityStream.Chat.Tests.Gateway;

/// <summary>
/// A connection's first request may be the upgrade (taken before HTTP) or follow other requests on a kept-alive
/// connection (taken by the HTTP endpoint): both give the same WebSocket. Raw sockets, so the bytes are ours.
/// </summary>
[Collection(SharedChatNode.Name)]
public sealed class UpgradePathTests(ChatNodeFixture fixture)
{
    private const string Key = "dGhlIHNhbXBsZSBub25jZQ==";

    [Fact]
    public async Task Should_upgrade_as_the_first_request_and_after_a_request_on_the_same_connection()
    {
        using var first = await ConnectAsync();
        Assert.Contains("welcome", await UpgradeAsync(first), StringComparison.Ordinal);

        using var second = await ConnectAsync();
        var stream = second.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("GET /healthz/live HTTP/1.1\r\nHost: test\r\n\r\n"));
        var (head, body) = await ReadResponseAsync(stream);
        Assert.StartsWith("HTTP/1.1 200", head, StringComparison.Ordinal);
        Assert.NotEmpty(body);
        Assert.Contains("welcome", await UpgradeAsync(second), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_take_a_first_request_upgrade_on_the_bare_socket_and_hand_every_other_connection_to_kestrel()
    {
        // The public listener is Chat's own (Chat:AcceptSocketsItself): a first-request upgrade never reaches Kestrel,
        // a plain request, an upgrade after a request and a refused upgrade do, and all are answered as before.
        var acceptor = fixture.Node.App.Services.GetServices<IConnectionListenerFactory>().OfType<ChatAcceptListenerFactory>().Single().Acceptor;
        var before = acceptor.Taken;
        using (var first = await ConnectAsync())
        {
            Assert.Contains("welcome", await UpgradeAsync(first), StringComparison.Ordinal);
        }
        Assert.Equal(before + 1, acceptor.Taken);

        using (var plain = await ConnectAsync())
        {
            var stream = plain.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes("GET /healthz/live HTTP/1.1\r\nHost: test\r\n\r\n"));
            Assert.StartsWith("HTTP/1.1 200", (await ReadResponseAsync(stream)).Head, StringComparison.Ordinal);
            Assert.Contains("welcome", await UpgradeAsync(plain), StringComparison.Ordinal);
        }
        using (var refused = await ConnectAsync())
        {
            var stream = refused.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes("GET /ws?access_token=not-a-token HTTP/1.1\r\nHost: test\r\nUpgrade: websocket\r\n" +
                                                            $"Connection: Upgrade\r\nSec-WebSocket-Key: {Key}\r\nSec-WebSocket-Version: 13\r\n\r\n"));
            Assert.StartsWith("HTTP/1.1 401", (await ReadResponseAsync(stream)).Head, StringComparison.Ordinal);
        }
        Assert.Equal(before + 1, acceptor.Taken);
    }

    [Fact]
    public async Task Should_answer_a_partial_then_abandoned_upgrade_head_over_http_once_it_is_complete()
    {
        // The head arrives in pieces: nothing may be lost between the peek and HTTP.
        using var client = await ConnectAsync();
        var stream = client.GetStream();
        var request = Encoding.ASCII.GetBytes("GET /ws?access_token=not-a-token HTTP/1.1\r\nHost: test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                                              $"Sec-WebSocket-Key: {Key}\r\nSec-WebSocket-Version: 13\r\n\r\n");
        foreach (var piece in request.Chunk(9))
        {
            await stream.WriteAsync(piece);
            await stream.FlushAsync();
        }
        var (head, body) = await ReadResponseAsync(stream);
        Assert.StartsWith("HTTP/1.1 401", head, StringComparison.Ordinal);
        Assert.Contains("Invalid access token", Encoding.UTF8.GetString(body), StringComparison.Ordinal);
    }

    private async Task<TcpClient> ConnectAsync()
    {
        var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(fixture.Node.BaseAddress.Host, fixture.Node.BaseAddress.Port);
        client.ReceiveTimeout = 15_000;
        return client;
    }

    // Sends an anonymous upgrade, checks the 101 and returns the first text frame (the welcome).
    private static async Task<string> UpgradeAsync(TcpClient client)
    {
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"GET /ws HTTP/1.1\r\nHost: test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {Key}\r\nSec-WebSocket-Version: 13\r\n\r\n"));
        var head = await ReadHeadAsync(stream);
        Assert.StartsWith("HTTP/1.1 101", head, StringComparison.Ordinal);
        Assert.Contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", head, StringComparison.OrdinalIgnoreCase);

        var header = await ReadExactlyAsync(stream, 2);
        Assert.Equal(0x81, header[0]); // FIN + text, unmasked from a server (RFC 6455 §5.1)
        var length = header[1] & 0x7f;
        if (length == 126)
        {
            var extended = await ReadExactlyAsync(stream, 2);
            length = (extended[0] << 8) | extended[1];
        }
        return Encoding.UTF8.GetString(await ReadExactlyAsync(stream, length));
    }

    private static async Task<(string Head, byte[] Body)> ReadResponseAsync(NetworkStream stream)
    {
        var head = await ReadHeadAsync(stream);
        if (Header(head, "Content-Length") is { } length)
        {
            return (head, await ReadExactlyAsync(stream, int.Parse(length, System.Globalization.CultureInfo.InvariantCulture)));
        }
        Assert.Equal("chunked", Header(head, "Transfer-Encoding"));
        var body = new List<byte>();
        while (true)
        {
            var size = Convert.ToInt32((await ReadHeadAsync(stream, "\r\n")).Trim(), 16);
            var chunk = await ReadExactlyAsync(stream, size + 2); // the chunk and its CRLF
            body.AddRange(chunk[..^2]);
            if (size == 0)
            {
                return (head, [.. body]);
            }
        }
    }

    private static string? Header(string head, string name) =>
        head.Split("\r\n").Where(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))
            .Select(l => l[(name.Length + 1)..].Trim()).FirstOrDefault();

    // Reads up to and including the terminator (a head's blank line, or a chunk-size line's end).
    private static async Task<string> ReadHeadAsync(NetworkStream stream, string terminator = "\r\n\r\n")
    {
        var head = new StringBuilder();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var one = new byte[1];
        while (!head.ToString().EndsWith(terminator, StringComparison.Ordinal))
        {
            Assert.Equal(1, await stream.ReadAsync(one, timeout.Token));
            head.Append((char)one[0]);
        }
        return head.ToString();
    }

    private static async Task<byte[]> ReadExactlyAsync(NetworkStream stream, int count)
    {
        var bytes = new byte[count];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await stream.ReadExactlyAsync(bytes, timeout.Token);
        return bytes;
    }
}
