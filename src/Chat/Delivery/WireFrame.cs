namespace CommunityStream.Chat.Delivery;

/// <summary>
/// A server frame as it goes on the wire: the WebSocket header, then the JSON payload. Server frames are not masked
/// (RFC 6455 §5.1), so the bytes are the same for every socket and a room broadcast is framed once per node.
/// </summary>
internal sealed class WireFrame
{
    private WireFrame(byte[] bytes, int payloadOffset)
    {
        Bytes = bytes;
        PayloadOffset = payloadOffset;
    }

    /// <summary>Header and payload.</summary>
    public byte[] Bytes { get; }

    /// <summary>Where the payload starts (after the 2-, 4- or 10-byte header).</summary>
    public int PayloadOffset { get; }

    /// <summary>The JSON payload, for writers that frame it themselves (a <see cref="System.Net.WebSockets.WebSocket"/>).</summary>
    public ReadOnlyMemory<byte> Payload => Bytes.AsMemory(PayloadOffset);

    /// <summary>One final text frame (FIN, opcode 1) holding <paramref name="payload"/>.</summary>
    public static WireFrame Text(ReadOnlySpan<byte> payload)
    {
        var header = payload.Length switch
        {
            < 126 => 2,
            <= ushort.MaxValue => 4,
            _ => 10,
        };
        var bytes = new byte[header + payload.Length];
        bytes[0] = 0x81;
        switch (header)
        {
            case 2:
                bytes[1] = (byte)payload.Length;
                break;
            case 4:
                bytes[1] = 126;
                bytes[2] = (byte)(payload.Length >> 8);
                bytes[3] = (byte)payload.Length;
                break;
            default:
                bytes[1] = 127;
                for (var i = 0; i < 8; i++)
                {
                    bytes[2 + i] = (byte)((long)payload.Length >> (56 - (8 * i)));
                }
                break;
        }
        payload.CopyTo(bytes.AsSpan(header));
        return new WireFrame(bytes, header);
    }
}
