using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Text;
using CommunityStream.Chat;
using CommunityStream.Chat.Gateway;

namespace CommunityStream.Fuzz.Targets;

/// <summary>
/// The chat socket's receive path as production builds it: <see cref="WebSocket.CreateFromStream(Stream, WebSocketCreationOptions)"/>
/// (server side, the chat module's keep-alive) over the bytes after the upgrade, read the way the connection's read
/// loop reads (an empty peek, then up to <see cref="MaxFrameBytes"/> + 1 bytes per message), each message then parsed
/// by <see cref="ClientFrameParser"/>. As in production, the stream under the WebSocket shows every read to a
/// <see cref="ClientFrameGuard"/> first and hands over nothing once it refused a message over the limit (the
/// connection closes 1009). Documented failure: <see cref="WebSocketException"/> (a protocol violation or the bytes
/// ending mid-frame). Invariant: the WebSocket never delivers a message over the limit the guard let through.
/// </summary>
internal sealed class WebSocketTarget : FuzzTarget
{
    /// <summary>The chat default (<c>Chat:MaxFrameBytes</c>).</summary>
    public const int MaxFrameBytes = 4096;

    private readonly byte[] _buffer = new byte[MaxFrameBytes + 1];

    public override string Name => "ws";

    public override int MaxLength => 8192;

    public override IReadOnlyList<byte[]> Seeds { get; } = BuildSeeds();

    public override IReadOnlyList<byte[]> Dictionary { get; } =
    [
        [0x81], [0x01], [0x80], [0x82], [0x88], [0x89], [0x8A], [0x00], [0xC1], [0x83], [0x8B],
        [0xFE, 0x10, 0x01], [0xFF, 0, 0, 0, 0, 0, 0, 0x10, 0x01], [0xFF, 0x40, 0, 0, 0, 0, 0, 0, 0], [0xFF, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF],
        [0x03, 0xE8], [0x03, 0xEF], [0x0B, 0xB8], [0x00, 0x00, 0x00, 0x00],
        .. ClientFrameTarget.JsonDictionary().Take(12),
    ];

    public override FuzzOutcome Run(ReadOnlySpan<byte> input)
    {
        using var stream = new ReplayStream(input.ToArray(), new ClientFrameGuard(MaxFrameBytes));
        using var socket = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = ChatModule.WebSocketKeepAlive });
        var messages = 0;
        try
        {
            while (true)
            {
                // ManagedWebSocket completes synchronously over an in-memory stream: no thread hops per input.
                var peek = socket.ReceiveAsync(Memory<byte>.Empty, CancellationToken.None).AsTask().GetAwaiter().GetResult();
                if (peek.MessageType == WebSocketMessageType.Close)
                {
                    return FuzzOutcome.Accepted;
                }
                var length = 0;
                var result = peek;
                while (!result.EndOfMessage && length <= MaxFrameBytes)
                {
                    result = socket.ReceiveAsync(_buffer.AsMemory(length, MaxFrameBytes + 1 - length), CancellationToken.None).AsTask().GetAwaiter().GetResult();
                    length += result.Count;
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        return FuzzOutcome.Accepted;
                    }
                }
                if (length > MaxFrameBytes)
                {
                    // The guard refuses such a message at its header, before the WebSocket reads its payload.
                    throw new InvariantViolation($"a {length}-byte message passed the frame guard");
                }
                ClientFrameTarget.Check(ClientFrameParser.Parse(_buffer.AsMemory(0, length)));
                messages++;
            }
        }
        catch (WebSocketException)
        {
            // The bytes ran out (every input ends so), broke the protocol, or the guard refused a message (1009).
            return messages > 0 && stream.Exhausted && !stream.Refused ? FuzzOutcome.Accepted : FuzzOutcome.Rejected;
        }
    }

    private static List<byte[]> BuildSeeds()
    {
        var seeds = new List<byte[]>();
        foreach (var frame in ClientFrameTarget.Frames)
        {
            seeds.Add(ClientBytes(async socket => await socket.SendAsync(Encoding.UTF8.GetBytes(frame), WebSocketMessageType.Text, true, default)));
        }
        // A fragmented message, a ping and a pong between messages, then a close: what a browser may send.
        var json = Encoding.UTF8.GetBytes(ClientFrameTarget.Frames[4]);
        seeds.Add(ClientBytes(async socket =>
        {
            await socket.SendAsync(json.AsMemory(0, 10), WebSocketMessageType.Text, false, default);
            await socket.SendAsync(json.AsMemory(10), WebSocketMessageType.Text, true, default);
            await socket.SendAsync(Encoding.UTF8.GetBytes(ClientFrameTarget.Frames[0]), WebSocketMessageType.Text, true, default);
        }).Concat(Masked(0x89, "ping"u8)).Concat(Masked(0x8A, "pong"u8))
          .Concat(ClientBytes(async socket => await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", default))).ToArray());
        // A 16-bit length (126) and a 64-bit length (127) form.
        seeds.Add(ClientBytes(async socket => await socket.SendAsync(Encoding.UTF8.GetBytes($$"""{"type":"send","room":"r","text":"{{new string('x', 300)}}"}"""), WebSocketMessageType.Text, true, default)));
        seeds.Add(Masked(0x81, Encoding.UTF8.GetBytes(ClientFrameTarget.Frames[1]), longForm: true));
        return seeds;
    }

    private static byte[] ClientBytes(Func<WebSocket, Task> send)
    {
        var output = new MemoryStream();
        using var client = WebSocket.CreateFromStream(output, new WebSocketCreationOptions { IsServer = false });
        send(client).GetAwaiter().GetResult();
        return output.ToArray();
    }

    // A masked client frame written by hand, for the forms the client API does not produce (control frames, 64-bit length).
    private static byte[] Masked(byte first, ReadOnlySpan<byte> payload, bool longForm = false)
    {
        var header = longForm ? 10 : 2;
        var frame = new byte[header + 4 + payload.Length];
        frame[0] = first;
        if (longForm)
        {
            frame[1] = 0x80 | 127;
            BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(2), (ulong)payload.Length);
        }
        else
        {
            frame[1] = (byte)(0x80 | payload.Length);
        }
        byte[] mask = [0x37, 0xFA, 0x21, 0x3D];
        mask.CopyTo(frame, header);
        for (var i = 0; i < payload.Length; i++)
        {
            frame[header + 4 + i] = (byte)(payload[i] ^ mask[i & 3]);
        }
        return frame;
    }

    /// <summary>
    /// The client's bytes, in reads of any size, each shown to the guard first (as DuplexPipeStream does); after a
    /// refusal it reads as ended. What the server writes back is discarded.
    /// </summary>
    private sealed class ReplayStream(byte[] input, ClientFrameGuard guard) : Stream
    {
        private int _position;

        public bool Exhausted => _position == input.Length;

        public bool Refused { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var count = Math.Min(buffer.Length, input.Length - _position);
            if (Refused || (count > 0 && guard.Advance(input.AsSpan(_position, count)) == ClientFrameGuard.Verdict.TooBig))
            {
                Refused = true;
                return 0;
            }
            input.AsSpan(_position, count).CopyTo(buffer);
            _position += count;
            return count;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override void Write(byte[] buffer, int offset, int count)
        {
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.CompletedTask;

        public override void Flush()
        {
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
