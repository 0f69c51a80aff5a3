namespace CommunityStream.WebRtc.Sdp;

/// <summary>What one accepted media section agreed on: the codec, its RTX, extension ids and SSRCs.</summary>
public sealed record NegotiatedMedia
{
    /// <summary>The section's <c>a=mid</c>, as in the offer.</summary>
    public required string Mid { get; init; }

    /// <summary><c>audio</c> or <c>video</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>The one codec accepted, with the offerer's payload type and only the feedback we answer.</summary>
    public required SdpCodec Codec { get; init; }

    /// <summary>The RTX payload type associated with <see cref="Codec"/> (RFC 4588), when offered.</summary>
    public SdpCodec? Rtx { get; init; }

    /// <summary>Accepted header extensions: URI → id (the offerer's ids).</summary>
    public IReadOnlyDictionary<string, int> Extensions { get; init; } = new Dictionary<string, int>();

    /// <summary>SSRCs the offerer announced for this section.</summary>
    public IReadOnlyList<uint> RemoteSsrcs { get; init; } = [];

    /// <summary>The simulcast layer accepted, when the offer had several.</summary>
    public string? Rid { get; init; }

    /// <summary>Our SSRC in <see cref="AnswerMode.Send"/>.</summary>
    public uint? LocalSsrc { get; init; }
}

/// <summary>The answer text plus everything the transport needs from the negotiation.</summary>
/// <param name="Sdp">The answer to send back, CRLF line endings.</param>
/// <param name="Media">The accepted sections, in the offer's order.</param>
/// <param name="RemoteIceUfrag">The offerer's ICE ufrag (for <see cref="Transport.WebRtcTransport"/>).</param>
/// <param name="RemoteIcePwd">The offerer's ICE password (a lite agent sends no checks, so it is not used to sign).</param>
/// <param name="RemoteFingerprint">The offerer's certificate fingerprint, which DTLS checks.</param>
public sealed record SdpAnswer(
    string Sdp,
    IReadOnlyList<NegotiatedMedia> Media,
    string RemoteIceUfrag,
    string RemoteIcePwd,
    CommunityStream.WebRtc.Dtls.DtlsFingerprint RemoteFingerprint);
