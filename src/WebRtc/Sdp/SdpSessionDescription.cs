namespace CommunityStream.WebRtc.Sdp;

/// <summary>A parsed offer: session-level attributes and its media sections.</summary>
public sealed record SdpSessionDescription
{
    /// <summary>The <c>m=</c> sections, in order.</summary>
    public required IReadOnlyList<SdpMediaSection> Media { get; init; }

    /// <summary>Mids of <c>a=group:BUNDLE</c>, or empty.</summary>
    public IReadOnlyList<string> Bundle { get; init; } = [];

    /// <summary>Session-level <c>a=ice-ufrag</c>.</summary>
    public string? IceUfrag { get; init; }

    /// <summary>Session-level <c>a=ice-pwd</c>.</summary>
    public string? IcePwd { get; init; }

    /// <summary>Session-level <c>a=fingerprint</c>, raw.</summary>
    public string? Fingerprint { get; init; }

    /// <summary>Session-level <c>a=setup</c>.</summary>
    public string? Setup { get; init; }

    /// <summary><c>a=ice-lite</c>: the offerer is a lite agent.</summary>
    public bool IceLite { get; init; }

    /// <summary>The ICE ufrag of a section, falling back to the session level (RFC 8839 §5.4).</summary>
    public string? UfragOf(SdpMediaSection section) => section.IceUfrag ?? IceUfrag;

    /// <summary>The ICE password of a section, falling back to the session level.</summary>
    public string? PwdOf(SdpMediaSection section) => section.IcePwd ?? IcePwd;

    /// <summary>The fingerprint of a section, falling back to the session level.</summary>
    public string? FingerprintOf(SdpMediaSection section) => section.Fingerprint ?? Fingerprint;

    /// <summary>The DTLS role attribute of a section, falling back to the session level.</summary>
    public string? SetupOf(SdpMediaSection section) => section.Setup ?? Setup;
}
