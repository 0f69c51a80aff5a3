using System.Buffers.Binary;
using System.Text;

namespace CommunityStream.WebRtc.Rtcp;

/// <summary>BYE (RFC 3550 §6.6): the SSRCs leaving and an optional reason.</summary>
public readonly ref struct RtcpGoodbye
{
    private readonly ReadOnlySpan<byte> _body;

    private RtcpGoodbye(ReadOnlySpan<byte> body, int sourceCount, ReadOnlySpan<byte> reason)
    {
        _body = body;
        SourceCount = sourceCount;
        Reason = reason;
    }

    /// <summary>Number of SSRCs leaving.</summary>
    public int SourceCount { get; }

    /// <summary>The optional reason for leaving, UTF-8; empty when absent.</summary>
    public ReadOnlySpan<byte> Reason { get; }

    /// <summary>SSRC <paramref name="index"/> (0 to <see cref="SourceCount"/> − 1).</summary>
    public uint GetSsrc(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, SourceCount);
        return BinaryPrimitives.ReadUInt32BigEndian(_body[(index * 4)..]);
    }

    /// <summary>Reads a BYE; false (counted) when the packet is not one or its SSRCs or reason overrun it.</summary>
    public static bool TryParse(in RtcpPacket packet, out RtcpGoodbye bye)
    {
        bye = default;
        var body = packet.Body;
        var ssrcBytes = packet.Count * 4;
        if (packet.PacketType != RtcpPacketType.Goodbye || body.Length < ssrcBytes)
        {
            ParseFailureCounters.RtcpRejected();
            return false;
        }

        ReadOnlySpan<byte> reason = default;
        if (body.Length > ssrcBytes)
        {
            var reasonLength = body[ssrcBytes];
            if (body.Length - ssrcBytes - 1 < reasonLength)
            {
                ParseFailureCounters.RtcpRejected();
                return false;
            }

            reason = body.Slice(ssrcBytes + 1, reasonLength);
        }

        bye = new RtcpGoodbye(body, packet.Count, reason);
        return true;
    }

    /// <summary>Writes a BYE for up to 31 SSRCs with an optional reason of up to 255 bytes; returns the bytes written.</summary>
    public static int Write(Span<byte> destination, ReadOnlySpan<uint> ssrcs, string? reason = null)
    {
        var reasonLength = reason is null ? 0 : Encoding.UTF8.GetByteCount(reason);
        if (ssrcs.Length > 31 || reasonLength > 255)
        {
            throw new ArgumentException("BYE carries at most 31 SSRCs and a 255-byte reason.");
        }

        var length = RtcpPacket.HeaderLength + (ssrcs.Length * 4);
        if (reason is not null)
        {
            length = (length + 1 + reasonLength + 3) & ~3;
        }

        RtcpPacket.EnsureRoom(destination, length);
        destination[..length].Clear();
        RtcpPacket.WriteHeader(destination, ssrcs.Length, RtcpPacketType.Goodbye, length);
        for (var i = 0; i < ssrcs.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination[(4 + (i * 4))..], ssrcs[i]);
        }

        if (reason is not null)
        {
            var at = 4 + (ssrcs.Length * 4);
            destination[at] = (byte)reasonLength;
            Encoding.UTF8.GetBytes(reason, destination[(at + 1)..]);
        }

        return length;
    }
}
