using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace CommunityStream.LoadGen;

/// <summary>
/// A lean WebSocket client on a raw <see cref="Socket"/>: HTTP/1.1 Upgrade handshake (RFC 6455 §4),
/// a frame parser over one growable receive buffer (4 KiB to start), masked sends under a lock, replies
/// to ping and close. No thread per connection: one async receive loop each.
/// </summary>
internal sealed class ChatConnection(int index, int room, bool publisher, ReceiverState receiver) : IDisposable
{
    private const int InitialBuffer = 4096;
    private const int MaxMessage = 16 << 20;
    // Linux IP_BIND_ADDRESS_NO_PORT: bind the source address now, pick the port at connect, so the
    // 4-tuple (not the address alone) must be unique and one address serves more connections.
    private const int SolIp = 0;
    private const int IpBindAddressNoPort = 24;

    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private Socket? _socket;
    private byte[] _buffer = [];
    private int _filled;
    private byte[]? _fragments;
    private int _fragmentLength;
    private volatile bool _closing;

    public int Index => index;

    public int Room => room;

    public bool IsPublisher => publisher;

    public ReceiverState Receiver => receiver;

    public bool Open { get; private set; }

    /// <summary>Why the connection ended, when the server or the network ended it.</summary>
    public string? EndReason { get; private set; }

    /// <summary>Connects and upgrades; returns null on success or a short failure reason.</summary>
    public async Task<string?> ConnectAsync(EndPoint server, IPAddress? source, string host, string target, CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        _socket = socket;
        try
        {
            if (source is not null)
            {
                try
                {
                    socket.SetRawSocketOption(SolIp, IpBindAddressNoPort, BitConverter.GetBytes(1));
                }
                catch (SocketException)
                {
                    // Not Linux or an old kernel: a plain bind still works, with fewer ports per address.
                }

                socket.Bind(new IPEndPoint(source, 0));
            }

            await socket.ConnectAsync(server, ct);
            var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
            var request = $"GET {target} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n";
            await socket.SendAsync(Encoding.ASCII.GetBytes(request), SocketFlags.None, ct);
            _buffer = new byte[InitialBuffer];
            var headerEnd = -1;
            while (headerEnd < 0)
            {
                if (_filled == _buffer.Length)
                {
                    return "http-headers-too-large";
                }

                var n = await socket.ReceiveAsync(_buffer.AsMemory(_filled), SocketFlags.None, ct);
                if (n == 0)
                {
                    return "http-eof";
                }

                _filled += n;
                headerEnd = _buffer.AsSpan(0, _filled).IndexOf("\r\n\r\n"u8);
            }

            var failure = CheckUpgradeResponse(Encoding.ASCII.GetString(_buffer, 0, headerEnd), key);
            if (failure is not null)
            {
                return failure;
            }

            var rest = _filled - (headerEnd + 4);
            Buffer.BlockCopy(_buffer, headerEnd + 4, _buffer, 0, rest);
            _filled = rest;
            Open = true;
            return null;
        }
        catch (SocketException e)
        {
            return "socket-" + e.SocketErrorCode;
        }
        catch (OperationCanceledException)
        {
            return "timeout";
        }
    }

    internal static string? CheckUpgradeResponse(string head, string key)
    {
        var lines = head.Split("\r\n");
        var status = lines[0].Split(' ');
        if (status.Length < 2 || !status[0].StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            return "http-malformed";
        }

        if (status[1] != "101")
        {
            return "http-" + status[1];
        }

        // RFC 6455 §4.2.2 mandates SHA-1 for Sec-WebSocket-Accept; it is a handshake check, not security.
#pragma warning disable CA5350
        var expected = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
#pragma warning restore CA5350
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line[..colon].Trim().Equals("Sec-WebSocket-Accept", StringComparison.OrdinalIgnoreCase))
            {
                return line[(colon + 1)..].Trim() == expected ? null : "bad-accept";
            }
        }

        return "bad-accept";
    }

    /// <summary>Sends one text frame; false when the socket is gone.</summary>
    public async ValueTask<bool> SendTextAsync(string text) => await SendFrameAsync(WebSocketFrames.Text, Encoding.UTF8.GetBytes(text));

    private async ValueTask<bool> SendFrameAsync(byte opcode, byte[] payload, bool control = false)
    {
        var socket = _socket;
        if (socket is null || (!Open && !control))
        {
            return false;
        }

        var frame = ArrayPool<byte>.Shared.Rent(WebSocketFrames.MaxEncodedLength(payload.Length));
        await _sendLock.WaitAsync();
        try
        {
            var length = WebSocketFrames.WriteMaskedFrame(frame, opcode, payload, (uint)Random.Shared.Next());
            var sent = 0;
            while (sent < length)
            {
                sent += await socket.SendAsync(frame.AsMemory(sent, length - sent), SocketFlags.None);
            }

            return true;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return false;
        }
        finally
        {
            _sendLock.Release();
            ArrayPool<byte>.Shared.Return(frame);
        }
    }

    /// <summary>Reads frames until the server closes, the network fails or <see cref="CloseAsync"/> runs.</summary>
    public async Task ReceiveLoopAsync(RunStats stats)
    {
        var socket = _socket!;
        try
        {
            while (true)
            {
                var (keepGoing, reply) = ProcessFrames(stats);
                if (reply is { } r)
                {
                    await SendFrameAsync(r.Opcode, r.Payload, control: true);
                }

                if (!keepGoing)
                {
                    return;
                }

                if (_filled == _buffer.Length)
                {
                    Array.Resize(ref _buffer, _buffer.Length * 2);
                }

                var n = await socket.ReceiveAsync(_buffer.AsMemory(_filled), SocketFlags.None);
                if (n == 0)
                {
                    End(stats, "eof");
                    return;
                }

                _filled += n;
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidDataException)
        {
            End(stats, e is SocketException se ? "socket-" + se.SocketErrorCode : e is InvalidDataException ? "protocol-" + e.Message : "disposed");
        }
    }

    private void End(RunStats stats, string reason)
    {
        Open = false;
        if (!_closing && EndReason is null)
        {
            EndReason = reason;
            RunStats.Count(stats.CloseCodes, reason);
        }
    }

    /// <summary>Handles every complete frame in the buffer; returns whether to keep reading and a control reply.</summary>
    private (bool KeepGoing, (byte Opcode, byte[] Payload)? Reply) ProcessFrames(RunStats stats)
    {
        var position = 0;
        (byte, byte[])? reply = null;
        var keepGoing = true;
        while (keepGoing && WebSocketFrames.TryReadHeader(_buffer.AsSpan(position, _filled - position), out var header))
        {
            var total = header.HeaderLength + header.PayloadLength;
            if (total > MaxMessage)
            {
                throw new InvalidDataException("frame-too-large");
            }

            if (position + total > _filled)
            {
                if (total > _buffer.Length)
                {
                    var bigger = new byte[Math.Max((int)total, _buffer.Length * 2)];
                    Buffer.BlockCopy(_buffer, position, bigger, 0, _filled - position);
                    _filled -= position;
                    position = 0;
                    _buffer = bigger;
                }

                break;
            }

            var payload = _buffer.AsSpan(position + header.HeaderLength, (int)header.PayloadLength);
            position += (int)total;
            switch (header.Opcode)
            {
                case WebSocketFrames.Text or WebSocketFrames.Binary when header.Fin && _fragmentLength == 0:
                    receiver.OnText(payload);
                    break;
                case WebSocketFrames.Text or WebSocketFrames.Binary or WebSocketFrames.Continuation:
                    AppendFragment(payload);
                    if (header.Fin)
                    {
                        receiver.OnText(_fragments.AsSpan(0, _fragmentLength));
                        _fragments = null;
                        _fragmentLength = 0;
                    }

                    break;
                case WebSocketFrames.Ping:
                    reply = (WebSocketFrames.Pong, payload.ToArray());
                    break;
                case WebSocketFrames.Close:
                    var code = payload.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(payload) : 1005;
                    if (!_closing)
                    {
                        Interlocked.Increment(ref stats.ClosedByServer);
                        End(stats, code.ToString(CultureInfo.InvariantCulture));
                    }

                    reply = (WebSocketFrames.Close, payload.Length >= 2 ? payload[..2].ToArray() : []);
                    keepGoing = false;
                    break;
                default:
                    break;
            }
        }

        Buffer.BlockCopy(_buffer, position, _buffer, 0, _filled - position);
        _filled -= position;
        return (keepGoing, reply);
    }

    private void AppendFragment(ReadOnlySpan<byte> payload)
    {
        _fragments ??= new byte[Math.Max(InitialBuffer, payload.Length)];
        if (_fragmentLength + payload.Length > _fragments.Length)
        {
            Array.Resize(ref _fragments, Math.Max(_fragments.Length * 2, _fragmentLength + payload.Length));
        }

        payload.CopyTo(_fragments.AsSpan(_fragmentLength));
        _fragmentLength += payload.Length;
    }

    /// <summary>Starts the close handshake (1000) from the client side; the receive loop ends on the echo.</summary>
    public async Task CloseAsync()
    {
        _closing = true;
        await SendFrameAsync(WebSocketFrames.Close, [0x03, 0xE8]);
    }

    public void Dispose()
    {
        _closing = true;
        Open = false;
        _socket?.Dispose();
        _sendLock.Dispose();
    }
}
