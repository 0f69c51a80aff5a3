using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CommunityStream.Chat.Tests.Support;

/// <summary>
/// A client TCP connection over loopback that writes exactly the bytes a test gives it (hostile upgrade heads and
/// frames), from a chosen source address so per-address limits see only the test's own sockets.
/// </summary>
internal sealed class RawSocket : IDisposable
{
    private const string Key = "dGhlIHNhbXBsZSBub25jZQ==";
    private readonly Socket _socket;
    private readonly List<byte> _pending = [];

    private RawSocket(Socket socket) => _socket = socket;

    public static async Task<RawSocket> ConnectAsync(InProcessNode node, IPAddress source)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Bind(new IPEndPoint(source, 0));
        await socket.ConnectAsync(node.BaseAddress.Host, node.BaseAddress.Port);
        return new RawSocket(socket);
    }

    /// <summary>Connects to <paramref name="target"/> (e.g. IPv4 loopback on a node listening on every address).</summary>
    public static async Task<RawSocket> ConnectAsync(IPEndPoint target, IPAddress source)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Bind(new IPEndPoint(source, 0));
        await socket.ConnectAsync(target);
        return new RawSocket(socket);
    }

    public static byte[] UpgradeHead => Encoding.ASCII.GetBytes(
        $"GET /ws HTTP/1.1\r\nHost: test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {Key}\r\nSec-WebSocket-Version: 13\r\n\r\n");

    public Task SendAsync(string ascii) => SendAsync(Encoding.ASCII.GetBytes(ascii));

    public async Task SendAsync(byte[] bytes) => await _socket.SendAsync(bytes, SocketFlags.None);

    /// <summary>Sends the upgrade and reads the 101 and the welcome frame.</summary>
    public async Task UpgradeAsync()
    {
        await SendAsync(UpgradeHead);
        var head = await ReadHeadAsync(TimeSpan.FromSeconds(15));
        Assert.StartsWith("HTTP/1.1 101", head, StringComparison.Ordinal);
        var (opcode, payload) = await ReadFrameAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(1, opcode);
        Assert.Contains("welcome", Encoding.UTF8.GetString(payload), StringComparison.Ordinal);
    }

    /// <summary>A client frame header (masked, as RFC 6455 §5.3 requires) announcing <paramref name="length"/> payload bytes.</summary>
    public static byte[] FrameHeader(bool fin, int opcode, ulong length)
    {
        var header = new List<byte> { (byte)((fin ? 0x80 : 0) | opcode) };
        if (length < 126)
        {
            header.Add((byte)(0x80 | (int)length));
        }
        else if (length <= ushort.MaxValue)
        {
            header.Add(0x80 | 126);
            header.AddRange([(byte)(length >> 8), (byte)length]);
        }
        else
        {
            header.Add(0x80 | 127);
            var extended = new byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(extended, length);
            header.AddRange(extended);
        }
        header.AddRange([0, 0, 0, 0]); // a zero mask: the payload goes as is
        return [.. header];
    }

    /// <summary>Reads the HTTP response head (up to the blank line).</summary>
    public async Task<string> ReadHeadAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        while (true)
        {
            var text = Encoding.ASCII.GetString([.. _pending]);
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                _pending.RemoveRange(0, end + 4);
                return text[..(end + 4)];
            }
            Assert.True(await FillAsync(cancel.Token), $"the connection ended before a response head; got '{text}'");
        }
    }

    /// <summary>Reads the next server frame (servers do not mask).</summary>
    public async Task<(int Opcode, byte[] Payload)> ReadFrameAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var header = await TakeAsync(2, cancel.Token);
        var length = (long)(header[1] & 0x7f);
        if (length == 126)
        {
            length = BinaryPrimitives.ReadUInt16BigEndian(await TakeAsync(2, cancel.Token));
        }
        else if (length == 127)
        {
            length = (long)BinaryPrimitives.ReadUInt64BigEndian(await TakeAsync(8, cancel.Token));
        }
        return (header[0] & 0x0f, await TakeAsync((int)length, cancel.Token));
    }

    /// <summary>Reads frames until the close frame and returns its status code.</summary>
    public async Task<int> ReadCloseAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            var (opcode, payload) = await ReadFrameAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero);
            if (opcode == 8)
            {
                return BinaryPrimitives.ReadUInt16BigEndian(payload);
            }
        }
    }

    /// <summary>Reads until the server ends the connection; false if it is still open after <paramref name="timeout"/>.</summary>
    public async Task<bool> EndsWithinAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            while (await FillAsync(cancel.Token))
            {
            }
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Sends one masked text frame (a zero mask) holding <paramref name="json"/>.</summary>
    public Task SendTextAsync(string json)
    {
        var payload = Encoding.UTF8.GetBytes(json);
        return SendAsync([.. FrameHeader(fin: true, opcode: 1, (ulong)payload.Length), .. payload]);
    }

    /// <summary>Ends the connection with a reset (SO_LINGER 0), as a crashed client or a middlebox would.</summary>
    public void Reset()
    {
        _socket.LingerState = new LingerOption(true, 0);
        _socket.Close();
    }

    /// <summary>Reads until the server ends the connection: true for an orderly end (FIN), false for a reset.</summary>
    public async Task<bool> EndsOrderlyAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var read = await _socket.ReceiveAsync(buffer, SocketFlags.None, cancel.Token);
                if (read == 0)
                {
                    return true;
                }
                _pending.AddRange(buffer.AsSpan(0, read).ToArray());
            }
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Everything received and not yet taken, as ASCII.</summary>
    public string Received => Encoding.ASCII.GetString([.. _pending]);

    public void Dispose() => _socket.Dispose();

    private async Task<byte[]> TakeAsync(int count, CancellationToken cancel)
    {
        while (_pending.Count < count)
        {
            Assert.True(await FillAsync(cancel), "the connection ended in the middle of a frame");
        }
        var taken = _pending.GetRange(0, count).ToArray();
        _pending.RemoveRange(0, count);
        return taken;
    }

    // False when the server closed the connection (an end or a reset).
    private async Task<bool> FillAsync(CancellationToken cancel)
    {
        var buffer = new byte[4096];
        int read;
        try
        {
            read = await _socket.ReceiveAsync(buffer, SocketFlags.None, cancel);
        }
        catch (SocketException)
        {
            return false;
        }
        _pending.AddRange(buffer.AsSpan(0, read).ToArray());
        return read > 0;
    }
}
