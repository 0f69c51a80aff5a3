namespace CommunityStream.WebRtc.Sdp;

/// <summary>One <c>m=</c> section of an offer, as far as answering it needs.</summary>
public sealed record SdpMediaSection
{
    /// <summary>1-based line of the <c>m=</c> line, for error messages.</summary>
    public required int LineNumber { get; init; }

    /// <summary><c>audio</c>, <c>video</c> or <c>application</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>The <c>m=</c> line's port; 0 marks a rejected or disabled section.</summary>
    public required int Port { get; init; }

    /// <summary>E.g. <c>UDP/TLS/RTP/SAVPF</c>.</summary>
    public required string Protocol { get; init; }

    /// <summary>Payload types (or format tokens) in the order of the <c>m=</c> line: the offerer's preference.</summary>
    public required IReadOnlyList<string> Formats { get; init; }

    /// <summary><c>a=mid</c>, or null when absent.</summary>
    public string? Mid { get; init; }

    /// <summary>The direction attribute.</summary>
    public SdpDirection Direction { get; init; } = SdpDirection.SendRecv;

    /// <summary><c>a=rtcp-mux</c>: RTCP shares the RTP port (required for an answer).</summary>
    public bool RtcpMux { get; init; }

    /// <summary><c>a=rtcp-rsize</c> (RFC 5506).</summary>
    public bool RtcpReducedSize { get; init; }

    /// <summary>Section-level <c>a=ice-ufrag</c>; see <see cref="SdpSessionDescription.UfragOf"/> for the effective one.</summary>
    public string? IceUfrag { get; init; }

    /// <summary>Section-level <c>a=ice-pwd</c>.</summary>
    public string? IcePwd { get; init; }

    /// <summary>Raw <c>a=fingerprint</c> value.</summary>
    public string? Fingerprint { get; init; }

    /// <summary><c>actpass</c>, <c>active</c> or <c>passive</c>.</summary>
    public string? Setup { get; init; }

    /// <summary>Codecs with an <c>a=rtpmap</c>, in the order of <see cref="Formats"/>.</summary>
    public IReadOnlyList<SdpCodec> Codecs { get; init; } = [];

    /// <summary>Header extensions: id → URI (RFC 8285).</summary>
    public IReadOnlyDictionary<int, string> Extensions { get; init; } = new Dictionary<int, string>();

    /// <summary>Simulcast stream ids offered for sending (<c>a=rid:X send</c>), in order.</summary>
    public IReadOnlyList<string> SendRids { get; init; } = [];

    /// <summary>SSRCs announced with <c>a=ssrc</c>, in order of first appearance.</summary>
    public IReadOnlyList<uint> Ssrcs { get; init; } = [];

    /// <summary><c>a=ssrc-group:FID primary rtx</c> pairs.</summary>
    public IReadOnlyList<(uint Primary, uint Retransmission)> RtxGroups { get; init; } = [];

    /// <summary><c>a=msid</c> value, as written.</summary>
    public string? Msid { get; init; }

    /// <summary><c>a=candidate</c> values (ignored by an ICE-lite server, kept for trickle and diagnostics).</summary>
    public IReadOnlyList<string> Candidates { get; init; } = [];
}
