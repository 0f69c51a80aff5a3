namespace CommunityStream.WebRtc;

/// <summary>What a datagram arriving on the shared WebRTC UDP port carries, by RFC 7983 first-byte demultiplexing.</summary>
public enum DatagramKind
{
    /// <summary>Outside every range, or too short to be what its first byte says.</summary>
    Unknown,
    /// <summary>First byte 0–3 and at least a STUN header long.</summary>
    Stun,
    /// <summary>First byte 20–63: a DTLS record.</summary>
    Dtls,
    /// <summary>First byte 128–191 and a second byte outside 192–223: SRTP.</summary>
    Rtp,
    /// <summary>First byte 128–191 and a second byte (packet type) 192–223: SRTCP, multiplexed (RFC 5761).</summary>
    Rtcp,
}
