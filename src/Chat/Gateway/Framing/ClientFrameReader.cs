using System.Buffers.Binary;
using System.Numerics;

namespace CommunityStream.Chat.Gateway.Framing;

/// <summary>What is wrong with a client's frames, as the close code it calls for.</summary>
internal enum FrameError
{
    None = 0,

    /// <summary>1002: a rule of RFC 6455 §5 broken (unmasked, reserved bits or opcodes, a bad fragment or control frame).</summary>
    ProtocolError = 1002,

    /// <summary>1007: a text message, or a close reason, that is not UTF-8 (§8.1).</summary>
    InvalidPayload = 1007,

    /// <summary>1009: a message over the node's limit, announced or added up over its fragments.</summary>
    TooBig = 1009,
}

/// <summary>Where the payload bytes just taken left the frame and the message.</summary>
internal readonly record struct PayloadStep(bool FrameEnded, bool MessageEnded, FrameError Error);

/// <summary>
/// The rules of a server reading a client's WebSocket frames (RFC 6455 §5): frame headers, masking, fragmentation,
/// control frames between fragments, UTF-8 of text messages and the message size limit. Pure, allocation-free and
/// never throws, whatever the bytes (the fuzz harness drives it): the socket code around it only moves bytes.
/// A struct with a few fields, kept inside its socket's WebSocket: an idle socket holds no buffer for it.
/// </summary>
internal struct ClientFrameReader(long maxMessageBytes)
{
    public const byte Continuation = 0x0;
    public const byte Text = 0x1;
    public const byte Binary = 0x2;
    public const byte Close = 0x8;
    public const byte Ping = 0x9;
    public const byte Pong = 0xa;

    /// <summary>The longest frame header: two bytes, eight of length, four of mask.</summary>
    public const int MaxHeaderLength = 14;

    /// <summary>The longest control frame payload (§5.5).</summary>
    public const int MaxControlPayload = 125;

    private long _payloadLeft;
    private long _messageBytes;
    private uint _mask;
    private byte _maskOffset;
    private byte _opcode;
    private bool _fin;
    private bool _inFrame;
    // The opcode of the data message under way (Text or Binary), 0 between messages.
    private byte _messageOpcode;
    private Utf8Validator _utf8;

    /// <summary>True while a frame's payload is being read.</summary>
    public readonly bool InFrame => _inFrame;

    /// <summary>The opcode of the frame being read.</summary>
    public readonly byte Opcode => _opcode;

    /// <summary>True when the frame being read is a control frame (close, ping, pong).</summary>
    public readonly bool IsControl => (_opcode & 0x8) != 0;

    /// <summary>Payload bytes of the frame being read still to come.</summary>
    public readonly long PayloadLeft => _payloadLeft;

    /// <summary>True while a data message has begun and not ended (between its fragments too).</summary>
    public readonly bool InMessage => _messageOpcode != 0;

    /// <summary>The opcode of the data message under way: <see cref="Text"/> or <see cref="Binary"/>.</summary>
    public readonly byte MessageOpcode => _messageOpcode;

    /// <summary>The whole header's length, known from its second byte.</summary>
    public static int HeaderLength(byte second) =>
        2 + ((second & 0x7f) switch { 126 => 2, 127 => 8, _ => 0 }) + ((second & 0x80) != 0 ? 4 : 0);

    /// <summary>Begins a frame from its whole header (<see cref="HeaderLength"/> bytes).</summary>
    public FrameError BeginFrame(ReadOnlySpan<byte> header)
    {
        if (header.Length < 2 || header.Length != HeaderLength(header[1]) || _inFrame)
        {
            return FrameError.ProtocolError;
        }
        var first = header[0];
        var second = header[1];
        // No extension was negotiated, so the reserved bits are 0 (§5.2); every client frame is masked (§5.1).
        if ((first & 0x70) != 0 || (second & 0x80) == 0)
        {
            return FrameError.ProtocolError;
        }
        var opcode = (byte)(first & 0x0f);
        var fin = (first & 0x80) != 0;
        ulong length = (second & 0x7f) switch
        {
            126 => BinaryPrimitives.ReadUInt16BigEndian(header[2..]),
            127 => BinaryPrimitives.ReadUInt64BigEndian(header[2..]),
            var small => (ulong)small,
        };
        // The most significant bit of a 64-bit length is 0 (§5.2).
        if (length > long.MaxValue)
        {
            return FrameError.ProtocolError;
        }
        switch (opcode)
        {
            case Close or Ping or Pong:
                // Control frames are never fragmented and carry at most 125 bytes (§5.5); they may come between fragments.
                if (!fin || length > MaxControlPayload)
                {
                    return FrameError.ProtocolError;
                }
                break;
            case Continuation:
                if (_messageOpcode == 0)
                {
                    return FrameError.ProtocolError;
                }
                if (length > (ulong)(maxMessageBytes - _messageBytes))
                {
                    return FrameError.TooBig;
                }
                break;
            case Text or Binary:
                // A new message while one is unfinished breaks §5.4.
                if (_messageOpcode != 0)
                {
                    return FrameError.ProtocolError;
                }
                if (length > (ulong)maxMessageBytes)
                {
                    return FrameError.TooBig;
                }
                _messageOpcode = opcode;
                _messageBytes = 0;
                _utf8 = default;
                break;
            default:
                return FrameError.ProtocolError;
        }
        _opcode = opcode;
        _fin = fin;
        _payloadLeft = (long)length;
        _mask = BinaryPrimitives.ReadUInt32LittleEndian(header[^4..]);
        _maskOffset = 0;
        _inFrame = true;
        return FrameError.None;
    }

    /// <summary>
    /// Takes the next payload bytes of the frame being read (at most <see cref="PayloadLeft"/>), unmasking them in
    /// place. A frame with no payload is ended by taking nothing.
    /// </summary>
    public PayloadStep TakePayload(Span<byte> bytes)
    {
        if (!_inFrame || bytes.Length > _payloadLeft)
        {
            return new PayloadStep(false, false, FrameError.ProtocolError);
        }
        Unmask(bytes);
        _payloadLeft -= bytes.Length;
        var control = IsControl;
        if (!control)
        {
            _messageBytes += bytes.Length;
            if (_messageOpcode == Text && !_utf8.Take(bytes))
            {
                return new PayloadStep(false, false, FrameError.InvalidPayload);
            }
        }
        if (_payloadLeft > 0)
        {
            return new PayloadStep(false, false, FrameError.None);
        }
        _inFrame = false;
        if (control || !_fin)
        {
            return new PayloadStep(true, false, FrameError.None);
        }
        // A text message ends on a whole character (§8.1).
        var whole = _messageOpcode != Text || _utf8.AtBoundary;
        _messageOpcode = 0;
        return new PayloadStep(true, true, whole ? FrameError.None : FrameError.InvalidPayload);
    }

    /// <summary>
    /// A close frame's payload (§5.5.1, §7.4): empty, or a code a peer may send followed by a UTF-8 reason.
    /// <paramref name="code"/> is 1005 (no status) for an empty payload.
    /// </summary>
    public static FrameError ValidateClose(ReadOnlySpan<byte> payload, out int code)
    {
        code = 1005;
        if (payload.IsEmpty)
        {
            return FrameError.None;
        }
        if (payload.Length == 1)
        {
            return FrameError.ProtocolError;
        }
        code = BinaryPrimitives.ReadUInt16BigEndian(payload);
        // 1004-1006 and 1015 are reserved and never sent; 1012-1014 are registered with IANA; 3000-4999 are for
        // libraries and applications (§7.4.2).
        var allowed = code is (>= 1000 and <= 1003) or (>= 1007 and <= 1014) or (>= 3000 and <= 4999);
        if (!allowed)
        {
            return FrameError.ProtocolError;
        }
        var reason = new Utf8Validator();
        return reason.Take(payload[2..]) && reason.AtBoundary ? FrameError.None : FrameError.InvalidPayload;
    }

    private void Unmask(Span<byte> bytes)
    {
        // The key byte for payload byte j is key[j % 4] (§5.3): rotate the key to where the last call left off.
        var key = BitOperations.RotateRight(_mask, 8 * _maskOffset);
        var i = 0;
        for (; i + 4 <= bytes.Length; i += 4)
        {
            var word = bytes.Slice(i, 4);
            BinaryPrimitives.WriteUInt32LittleEndian(word, BinaryPrimitives.ReadUInt32LittleEndian(word) ^ key);
        }
        for (; i < bytes.Length; i++)
        {
            bytes[i] ^= (byte)(key >> (8 * (i & 3)));
        }
        _maskOffset = (byte)((_maskOffset + bytes.Length) & 3);
    }
}
