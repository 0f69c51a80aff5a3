namespace CommunityStream.Chat.Gateway;

/// <summary>
/// Follows the frame headers in a client's WebSocket byte stream (RFC 6455 §5.2) as the bytes go by, without holding
/// any of them, so an over-limit message is refused when its header arrives, before the WebSocket waits for its payload.
/// Pure and allocation-free: <see cref="Advance"/> takes any bytes (the fuzz harness drives it with arbitrary input)
/// and never throws. A struct, kept inside its socket's <see cref="ClientMessageLimits"/>. Only the lengths are judged here; every other rule (masking, control frames, opcodes, UTF-8)
/// stays with the WebSocket, which closes with 1002 on a breach.
/// </summary>
internal struct ClientFrameGuard(long maxMessageBytes)
{
    public enum Verdict
    {
        /// <summary>Within the limits so far.</summary>
        Ok,

        /// <summary>A frame announced, or a fragmented message reached, more than the limit (close 1009). Final.</summary>
        TooBig,
    }

    // Header bytes seen of the frame being read (0: between frames) and how many the header has once the second byte says.
    private byte _headerRead;
    private byte _headerLength;
    private byte _extendedLength;
    private byte _first;
    private ulong _length;
    private long _payloadLeft;
    private long _messageBytes;
    private bool _inMessage;
    private bool _tooBig;

    /// <summary>True while a frame or a fragmented message has begun and not ended.</summary>
    public bool Unfinished => _headerRead > 0 || _payloadLeft > 0 || _inMessage;

    /// <summary>Messages, and control frames between messages, that ended: for the caller's per-message clock.</summary>
    public long Ended { get; private set; }

    /// <summary>Takes the next bytes of the stream, in order.</summary>
    public Verdict Advance(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty && !_tooBig)
        {
            if (_payloadLeft > 0)
            {
                var skip = (int)Math.Min(_payloadLeft, bytes.Length);
                _payloadLeft -= skip;
                bytes = bytes[skip..];
                if (_payloadLeft == 0 && !_inMessage)
                {
                    Ended++;
                }
                continue;
            }
            var b = bytes[0];
            bytes = bytes[1..];
            var index = _headerRead++;
            if (index == 0)
            {
                _first = b;
                _length = 0;
                continue;
            }
            if (index == 1)
            {
                var length7 = b & 0x7f;
                _extendedLength = length7 switch { 126 => 2, 127 => 8, _ => 0 };
                _length = length7 < 126 ? (ulong)length7 : 0;
                _headerLength = (byte)(2 + _extendedLength + ((b & 0x80) != 0 ? 4 : 0));
            }
            else if (index < 2 + _extendedLength)
            {
                _length = (_length << 8) | b;
            }
            if (_headerRead == _headerLength)
            {
                EndHeader();
            }
        }
        return _tooBig ? Verdict.TooBig : Verdict.Ok;
    }

    private void EndHeader()
    {
        _headerRead = 0;
        var opcode = _first & 0x0f;
        var fin = (_first & 0x80) != 0;
        if ((opcode & 0x8) != 0)
        {
            // A control frame (the WebSocket refuses one over 125 bytes); it may come between a message's fragments.
            _payloadLeft = (long)Math.Min(_length, long.MaxValue);
        }
        else
        {
            // A continuation adds to the message begun; a new data frame begins one (out-of-order opcodes are the WebSocket's to refuse).
            var before = opcode == 0 && _inMessage ? _messageBytes : 0;
            if (_length > (ulong)maxMessageBytes || before + (long)_length > maxMessageBytes)
            {
                _tooBig = true;
                return;
            }
            _messageBytes = before + (long)_length;
            _inMessage = !fin;
            _payloadLeft = (long)_length;
        }
        if (_payloadLeft == 0 && !_inMessage)
        {
            Ended++;
        }
    }
}
