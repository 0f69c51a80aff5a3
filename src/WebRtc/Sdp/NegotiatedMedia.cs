namespace CommunityStream.WebRtc.Sdp;

/// <summary>What one accepted media section agreed on: the codec, its RTX, extension ids and SSRCs.</summary>
public sealed record NegotiatedMedia
{
    public required string Mid { get; init; }

    public required string Kind { get; init; }

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
public sealed record SdpAnswer(
    string Sdp,
    IReadOnlyList<NegotiatedMedia> Media,
    string RemoteIceUfrag,
    string RemoteIcePwd,
    CommunityStream.WebRtc.Dtls.DtlsFingerprint RemoteFingerprint);
