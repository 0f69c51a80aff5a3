using System.Buffers.Binary;

namespace CommunityStream.WebRtc.Rtcp;

/// <summary>A reception report block of an SR or RR (RFC 3550 §6.4.1), 24 bytes on the wire.</summary>
/// <param name="Ssrc">The source this block reports on.</param>
/// <param name="FractionLost">Packets lost since the last report, as a fraction of 256.</param>
/// <param name="CumulativeLost">Packets lost since reception started (signed 24 bits on the wire).</param>
/// <param name="ExtendedHighestSequence">Highest sequence number received, with the wrap count in the upper 16 bits.</param>
/// <param name="Jitter">Interarrival jitter in RTP timestamp units.</param>
/// <param name="LastSenderReport">The middle 32 bits of the last SR's NTP timestamp (LSR), or 0.</param>
/// <param name="DelaySinceLastSenderReport">Delay since that SR in 1/65536 s (DLSR), or 0.</param>
public readonly record struct RtcpReportBlock(
    uint Ssrc,
    byte FractionLost,
    int CumulativeLost,
    uint ExtendedHighestSequence,
    uint Jitter,
    uint LastSenderReport,
    uint DelaySinceLastSenderReport)
{
    /// <summary>Length of a report block on the wire.</summary>
    public const int Length = 24;

    /// <summary>Reads a block from the first <see cref="Length"/> bytes of <paramref name="source"/>.</summary>
    public static RtcpReportBlock Read(ReadOnlySpan<byte> source)
    {
        // Cumulative lost is a signed 24-bit integer (RFC 3550 §6.4.1; duplicates can make it negative).
        var lost = (source[5] << 16) | (source[6] << 8) | source[7];
        if ((lost & 0x80_0000) != 0)
        {
            lost -= 0x100_0000;
        }

        return new RtcpReportBlock(
            BinaryPrimitives.ReadUInt32BigEndian(source),
            source[4],
            lost,
            BinaryPrimitives.ReadUInt32BigEndian(source[8..]),
            BinaryPrimitives.ReadUInt32BigEndian(source[12..]),
            BinaryPrimitives.ReadUInt32BigEndian(source[16..]),
            BinaryPrimitives.ReadUInt32BigEndian(source[20..]));
    }

    /// <summary>Writes the block into the first <see cref="Length"/> bytes; <see cref="CumulativeLost"/> is clamped to 24 signed bits.</summary>
    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, Ssrc);
        destination[4] = FractionLost;
        var lost = Math.Clamp(CumulativeLost, -0x80_0000, 0x7F_FFFF) & 0xFF_FFFF;
        destination[5] = (byte)(lost >> 16);
        destination[6] = (byte)(lost >> 8);
        destination[7] = (byte)lost;
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], ExtendedHighestSequence);
        BinaryPrimitives.WriteUInt32BigEndian(destination[12..], Jitter);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], LastSenderReport);
        BinaryPrimitives.WriteUInt32BigEndian(destination[20..], DelaySinceLastSenderReport);
    }
}
