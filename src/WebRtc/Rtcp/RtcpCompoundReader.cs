using System.Buffers.Binary;

namespace CommunityStream.WebRtc.Rtcp;

/// <summary>
/// Walks the packets of a compound RTCP datagram (RFC 3550 §6.4) with bounds checks. A malformed packet (bad version,
/// length past the end, impossible padding) ends the walk, sets <see cref="IsMalformed"/> and is counted; the caller
/// drops the datagram. Reduced-size RTCP (RFC 5506), where the first packet is not a report, is accepted.
/// </summary>
public ref struct RtcpCompoundReader
{
    private readonly ReadOnlySpan<byte> _datagram;
    private int _offset;

    /// <summary>Starts a walk over <paramref name="datagram"/> (already SRTCP-unprotected); a datagram shorter than a header is malformed at once.</summary>
    public RtcpCompoundReader(ReadOnlySpan<byte> datagram)
    {
        _datagram = datagram;
        _offset = 0;
        IsMalformed = datagram.Length < RtcpPacket.HeaderLength;
        if (IsMalformed)
        {
            ParseFailureCounters.RtcpRejected();
        }
    }

    /// <summary>True once a malformed packet was met; the walk stops there and the caller should drop the datagram.</summary>
    public bool IsMalformed { get; private set; }

    /// <summary>True when every packet of the datagram is well formed.</summary>
    public static bool IsValid(ReadOnlySpan<byte> datagram)
    {
        var reader = new RtcpCompoundReader(datagram);
        while (reader.TryReadNext(out _))
        {
        }

        return !reader.IsMalformed;
    }

    /// <summary>The next packet, or false at the end of the datagram or at a malformed packet (see <see cref="IsMalformed"/>).</summary>
    public bool TryReadNext(out RtcpPacket packet)
    {
        packet = default;
        if (IsMalformed || _offset >= _datagram.Length)
        {
            return false;
        }

        var remaining = _datagram[_offset..];
        if (remaining.Length < RtcpPacket.HeaderLength || remaining[0] >> 6 != 2)
        {
            return Fail();
        }

        var length = (BinaryPrimitives.ReadUInt16BigEndian(remaining[2..]) + 1) * 4;
        if (length > remaining.Length)
        {
            return Fail();
        }

        var bytes = remaining[..length];
        var bodyEnd = length;
        if ((bytes[0] & 0x20) != 0)
        {
            // RFC 3550 §6.4.1: the last octet counts the padding, itself included. RFC 3550 A.2 expects it only on the
            // last packet, but libwebrtc pads transport-cc feedback wherever it sits, so any packet may carry it.
            var padding = bytes[length - 1];
            if (padding == 0 || padding > length - RtcpPacket.HeaderLength)
            {
                return Fail();
            }

            bodyEnd -= padding;
        }

        packet = new RtcpPacket(bytes[0] & 0x1F, bytes[1], bytes, bytes[RtcpPacket.HeaderLength..bodyEnd]);
        _offset += length;
        return true;
    }

    private bool Fail()
    {
        IsMalformed = true;
        ParseFailureCounters.RtcpRejected();
        return false;
    }
}
