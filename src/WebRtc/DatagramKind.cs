namespace CommunityStream.WebRtc;

/// <summary>What a datagram arriving on the shared WebRTC UDP port carries, by RFC 7983 first-byte demultiplexing.</summary>
public enum DatagramKind
{
    Unknown,
    Stun,
    Dtls,
    Rtp,
    Rtcp,
}
