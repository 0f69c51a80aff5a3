using System.Buffers.Binary;

namespace CommunityStream.LoadGen;

/// <summary>A decoded WebSocket frame header (RFC 6455 §5.2).</summary>
internal readonly record struct FrameHeader(bool Fin, byte Opcode, bool Masked, int HeaderLength, long PayloadLength);

/// <summary>RFC 6455 framing for a client: decode server frames, encode masked client frames.</summary>
internal static class WebSocketFrames
{
    public const byte Continuation = 0x0;
    public const byte Text = 0x1;
    public const byte Binary = 0x2;
    public const byte Close = 0x8;
    public const byte Ping = 0x9;
    public const byte Pong = 0xA;

    /// <summary>Decodes a header if <paramref name="data"/> holds all of it.</summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> data, out FrameHeader header)
    {
        header = default;
        if (data.Length < 2)
        {
            return false;
        }

        var fin = (data[0] & 0x80) != 0;
        var opcode = (byte)(data[0] & 0x0F);
        var masked = (data[1] & 0x80) != 0;
        long length = data[1] & 0x7F;
        var headerLength = 2;
        if (length == 126)
        {
            if (data.Length < 4)
            {
                return false;
            }

            length = BinaryPrimitives.ReadUInt16BigEndian(data[2..]);
            headerLength = 4;
        }
        else if (length == 127)
        {
            if (data.Length < 10)
            {
                return false;
            }

            length = (long)BinaryPrimitives.ReadUInt64BigEndian(data[2..]);
            headerLength = 10;
        }

        if (masked)
        {
            headerLength += 4;
        }

        if (data.Length < headerLength)
        {
            return false;
        }

        header = new FrameHeader(fin, opcode, masked, headerLength, length);
        return true;
    }

    public static int MaxEncodedLength(int payloadLength) => payloadLength + 14;

    /// <summary>Writes a final, masked client frame (RFC 6455 §5.3: every client frame is masked).</summary>
    public static int WriteMaskedFrame(Span<byte> destination, byte opcode, ReadOnlySpan<byte> payload, uint maskKey)
    {
        destination[0] = (byte)(0x80 | opcode);
        int offset;
        if (payload.Length < 126)
        {
            destination[1] = (byte)(0x80 | payload.Length);
            offset = 2;
        }
        else if (payload.Length <= ushort.MaxValue)
        {
            destination[1] = 0x80 | 126;
            BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)payload.Length);
            offset = 4;
        }
        else
        {
            destination[1] = 0x80 | 127;
            BinaryPrimitives.WriteUInt64BigEndian(destination[2..], (ulong)payload.Length);
            offset = 10;
        }

        Span<byte> mask = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(mask, maskKey);
        mask.CopyTo(destination[offset..]);
        offset += 4;
        for (var i = 0; i < payload.Length; i++)
        {
            destination[offset + i] = (byte)(payload[i] ^ mask[i & 3]);
        }

        return offset + payload.Length;
    }
}
