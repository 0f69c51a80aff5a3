using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CommunityStream.Host.Tests.Http;

/// <summary>An HTTP/1.1 response read off a raw socket: status, headers (lower-cased names) and body.</summary>
internal sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body);

/// <summary>
/// Sends one request over a plain loopback socket with a body of exactly the framing the test asks for (chunked or
/// Content-Length), which HttpClient does not let a test control; <c>Connection: close</c> so the answer ends the stream.
/// </summary>
internal static class RawHttp
{
    private const int ChunkBytes = 16 * 1024;

    public static async Task<RawResponse> SendAsync(Uri server, string method, string path, string contentType, byte[] body, bool chunked, string? bearer = null)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Parse(server.Host), server.Port), timeout.Token);
        await using var stream = new NetworkStream(socket, ownsSocket: false);

        var head = new StringBuilder()
            .Append(method).Append(' ').Append(path).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(server.Authority).Append("\r\n")
            .Append("Content-Type: ").Append(contentType).Append("\r\n")
            .Append("Connection: close\r\n")
            .Append(chunked ? "Transfer-Encoding: chunked\r\n" : $"Content-Length: {body.Length}\r\n");
        if (bearer is not null)
        {
            head.Append("Authorization: Bearer ").Append(bearer).Append("\r\n");
        }
        head.Append("\r\n");

        // Read from the start: a server that answers early and closes resets the connection, and Linux drops data
        // still unread when the reset arrives.
        var reading = ReadToEndAsync(stream, timeout.Token);
        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), timeout.Token);
            for (var offset = 0; offset < body.Length; offset += ChunkBytes)
            {
                var length = Math.Min(ChunkBytes, body.Length - offset);
                if (chunked)
                {
                    await stream.WriteAsync(Encoding.ASCII.GetBytes($"{length:x}\r\n"), timeout.Token);
                }
                await stream.WriteAsync(body.AsMemory(offset, length), timeout.Token);
                if (chunked)
                {
                    await stream.WriteAsync("\r\n"u8.ToArray(), timeout.Token);
                }
            }
            if (chunked)
            {
                await stream.WriteAsync("0\r\n\r\n"u8.ToArray(), timeout.Token);
            }
            // No half-close: Kestrel takes the client's FIN for the end of the connection and drops the answer.
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            // The server answered and closed before it had read the whole body: its answer is still read.
        }
        var received = await reading;
        return Parse(Encoding.UTF8.GetString(received));
    }

    private static async Task<byte[]> ReadToEndAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        using var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (IOException)
        {
            // A reset after the answer: keep what arrived.
        }
        return received.ToArray();
    }

    private static RawResponse Parse(string text)
    {
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            return new RawResponse(0, new Dictionary<string, string>(), $"(no HTTP response: '{text}')");
        }
        var lines = text[..end].Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = lines.Skip(1).Select(line => line.Split(':', 2)).ToDictionary(p => p[0].Trim().ToLowerInvariant(), p => p[1].Trim());
        var body = text[(end + 4)..];
        if (headers.TryGetValue("transfer-encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            body = Unchunk(body);
        }
        return new RawResponse(status, headers, body);
    }

    private static string Unchunk(string body)
    {
        var result = new StringBuilder();
        var position = 0;
        while (position < body.Length)
        {
            var lineEnd = body.IndexOf("\r\n", position, StringComparison.Ordinal);
            var size = Convert.ToInt32(body[position..lineEnd].Split(';')[0], 16);
            if (size == 0)
            {
                break;
            }
            result.Append(body, lineEnd + 2, size);
            position = lineEnd + 2 + size + 2;
        }
        return result.ToString();
    }
}
