using System.Buffers.Binary;

namespace CommunityStream.WebRtc.Rtcp;

/// <summary>
/// One RTCP packet inside a compound datagram (RFC 3550 §6.4): the 5-bit count/format field, packet type and the body
/// after the 4-byte common header, with any padding removed. Produced only by <see cref="RtcpCompoundReader"/>, so the
/// body is known to be in bounds.
/// </summary>
public readonly ref struct RtcpPacket
{
    /// <summary>Length of the common header: V/P/count, packet type, length.</summary>
    public const int HeaderLength = 4;

    internal RtcpPacket(int count, byte packetType, ReadOnlySpan<byte> packet, ReadOnlySpan<byte> body)
    {
        Count = count;
        PacketType = packetType;
        Packet = packet;
        Body = body;
    }

    /// <summary>Reception report count, source count or feedback message type (FMT), by packet type.</summary>
    public int Count { get; }

    /// <summary>The packet type (<see cref="RtcpPacketType"/>).</summary>
    public byte PacketType { get; }

    /// <summary>The whole packet as on the wire, header and padding included.</summary>
    public ReadOnlySpan<byte> Packet { get; }

    /// <summary>Bytes after the common header, without padding.</summary>
    public ReadOnlySpan<byte> Body { get; }

    /// <summary>The SSRC that follows the header in every packet type handled here, or 0 if the body is empty.</summary>
    public uint SenderSsrc => Body.Length >= 4 ? BinaryPrimitives.ReadUInt32BigEndian(Body) : 0;

    /// <summary>Writes the common header: V=2, no padding, count/FMT, type, length in 32-bit words minus one.</summary>
    internal static void WriteHeader(Span<byte> destination, int count, byte packetType, int totalLength)
    {
        if ((totalLength & 3) != 0 || totalLength < HeaderLength || count is < 0 or > 31)
        {
            throw new ArgumentException("RTCP packets are whole 32-bit words with a 5-bit count.");
        }

        destination[0] = (byte)(0x80 | count);
        destination[1] = packetType;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)((totalLength / 4) - 1));
    }

    internal static void EnsureRoom(Span<byte> destination, int length)
    {
        if (destination.Length < length)
        {
            throw new ArgumentException($"RTCP packet needs {length} bytes.", nameof(destination));
        }
    }
}
