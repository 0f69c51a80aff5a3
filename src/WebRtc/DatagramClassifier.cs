namespace CommunityStream.WebRtc;

/// <summary>
/// Classifies a datagram received on the shared port (RFC 7983 §7): STUN 0–3, DTLS 20–63, RTP/RTCP 128–191. With
/// rtcp-mux (RFC 5761 §4) RTCP is told apart from RTP by the second byte: packet types 192–223.
/// </summary>
public static class DatagramClassifier
{
    /// <summary>What <paramref name="datagram"/> carries; <see cref="DatagramKind.Unknown"/> for anything outside the RFC 7983 ranges or too short.</summary>
    public static DatagramKind Classify(ReadOnlySpan<byte> datagram)
    {
        if (datagram.IsEmpty)
        {
            return DatagramKind.Unknown;
        }

        var first = datagram[0];
        if (first <= 3)
        {
            // A STUN header is 20 bytes (RFC 8489 §5); anything shorter cannot be STUN.
            return datagram.Length >= 20 ? DatagramKind.Stun : DatagramKind.Unknown;
        }

        if (first is >= 20 and <= 63)
        {
            return DatagramKind.Dtls;
        }

        if (first is >= 128 and <= 191)
        {
            if (datagram.Length < 2)
            {
                return DatagramKind.Unknown;
            }

            // RFC 5761 §4: RTCP packet types 192–223 collide with RTP payload types 64–95 (with the marker bit), which
            // is why those payload types must not be used for RTP when RTCP is multiplexed.
            return datagram[1] is >= 192 and <= 223 ? DatagramKind.Rtcp : DatagramKind.Rtp;
        }

        return DatagramKind.Unknown;
    }
}
