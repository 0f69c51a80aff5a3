using System.Buffers.Binary;

namespace CommunityStream.WebRtc.Rtcp;

/// <summary>
/// SDES (RFC 3550 §6.5): chunks of an SSRC followed by items (type, length, text) ended by a null item and padded to
/// 32 bits. Only CNAME (type 1) matters to an SFU: it ties the SSRCs of one participant together.
/// </summary>
public static class RtcpSourceDescription
{
    public const byte ItemEnd = 0;
    public const byte ItemCname = 1;

    /// <summary>Finds the CNAME of the <paramref name="chunkIndex"/>-th chunk; false if malformed or absent.</summary>
    public static bool TryGetCname(in RtcpPacket packet, int chunkIndex, out uint ssrc, out ReadOnlySpan<byte> cname)
    {
        ssrc = 0;
        cname = default;
        if (packet.PacketType != RtcpPacketType.SourceDescription || chunkIndex < 0 || chunkIndex >= packet.Count)
        {
            return false;
        }

        var body = packet.Body;
        var offset = 0;
        for (var chunk = 0; chunk <= chunkIndex; chunk++)
        {
            if (body.Length - offset < 4)
            {
                return Fail();
            }

            var chunkSsrc = BinaryPrimitives.ReadUInt32BigEndian(body[offset..]);
            offset += 4;
            var found = false;
            while (true)
            {
                if (offset >= body.Length)
                {
                    return Fail();
                }

                var type = body[offset];
                if (type == ItemEnd)
                {
                    // Skip the null item and the padding up to the next 32-bit boundary.
                    offset = (offset + 4) & ~3;
                    break;
                }

                if (body.Length - offset < 2 || body.Length - offset - 2 < body[offset + 1])
                {
                    return Fail();
                }

                var text = body.Slice(offset + 2, body[offset + 1]);
                if (type == ItemCname && chunk == chunkIndex && !found)
                {
                    ssrc = chunkSsrc;
                    cname = text;
                    found = true;
                }

                offset += 2 + text.Length;
            }

            if (chunk == chunkIndex)
            {
                return found;
            }
        }

        return false;
    }

    /// <summary>Writes an SDES packet with one chunk holding a CNAME item.</summary>
    public static int WriteCname(Span<byte> destination, uint ssrc, ReadOnlySpan<byte> cname)
    {
        if (cname.Length > 255)
        {
            throw new ArgumentException("A CNAME is at most 255 bytes.", nameof(cname));
        }

        // Header, SSRC, item header, text, then at least one null byte, padded to 32 bits.
        var length = (RtcpPacket.HeaderLength + 4 + 2 + cname.Length + 1 + 3) & ~3;
        RtcpPacket.EnsureRoom(destination, length);
        RtcpPacket.WriteHeader(destination, 1, RtcpPacketType.SourceDescription, length);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], ssrc);
        destination[8] = ItemCname;
        destination[9] = (byte)cname.Length;
        cname.CopyTo(destination[10..]);
        destination[(10 + cname.Length)..length].Clear();
        return length;
    }

    private static bool Fail()
    {
        ParseFailureCounters.RtcpRejected();
        return false;
    }
}
