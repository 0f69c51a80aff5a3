using System.Net;
using CommunityStream.WebRtc.Dtls;

namespace CommunityStream.WebRtc.Sdp;

/// <summary>Whether the server receives media (WHIP publisher) or sends it (WHEP viewer).</summary>
public enum AnswerMode
{
    /// <summary>The offerer sends; we answer <c>recvonly</c>.</summary>
    Receive,

    /// <summary>The offerer receives; we answer <c>sendonly</c> with our SSRCs.</summary>
    Send,
}

/// <summary>Our side of an answer: ICE credentials, DTLS fingerprint, host candidates and codec choice.</summary>
public sealed record SdpAnswerOptions
{
    /// <summary>Whether we receive (publisher) or send (viewer).</summary>
    public required AnswerMode Mode { get; init; }

    /// <summary>Our ICE username fragment (<see cref="Transport.IceCredentials.Ufrag"/>).</summary>
    public required string IceUfrag { get; init; }

    /// <summary>Our ICE password (<see cref="Transport.IceCredentials.Password"/>).</summary>
    public required string IcePwd { get; init; }

    /// <summary>Our certificate's fingerprint (<see cref="DtlsCertificate.Fingerprint"/>).</summary>
    public required DtlsFingerprint Fingerprint { get; init; }

    /// <summary>Host candidates on our one UDP port (announced addresses, e.g. a public IP behind NAT).</summary>
    public required IReadOnlyList<IPEndPoint> Candidates { get; init; }

    /// <summary>Video codecs we accept, most preferred first (names as in rtpmap, case-insensitive).</summary>
    public IReadOnlyList<string> VideoCodecs { get; init; } = ["VP8", "H264", "VP9"];

    /// <summary>Audio codecs we accept, most preferred first.</summary>
    public IReadOnlyList<string> AudioCodecs { get; init; } = ["opus"];

    /// <summary>For <see cref="AnswerMode.Send"/>: the SSRC we will send per kind (<c>audio</c>, <c>video</c>).</summary>
    public IReadOnlyDictionary<string, uint> OutgoingSsrcs { get; init; } = new Dictionary<string, uint>();

    /// <summary>
    /// Whether to accept transport-wide congestion control (<c>transport-cc</c> feedback and its header extension).
    /// Off by default: the library writes no transport-cc feedback, and a sender that negotiated it and never gets
    /// any stays at its starting bitrate (answer REMB instead). Turn it on only if you send that feedback yourself.
    /// </summary>
    public bool TransportWideCongestionControl { get; init; }

    /// <summary>RTCP CNAME of our outgoing streams.</summary>
    public string Cname { get; init; } = "communitystream";
}
