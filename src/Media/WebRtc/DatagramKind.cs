namespace CommunityStream.Media.WebRtc;

/// <summary>What a datagram arriving on the shared WebRTC UDP port carries, by RFC 7983 first-byte demultiplexing.</summary>
internal enum DatagramKind
{
    Unknown,
    Stun,
    Dtls,
    Rtp,
    Rtcp,
}
