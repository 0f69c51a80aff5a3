namespace CommunityStream.WebRtc.Sdp;

/// <summary>A parsed offer: session-level attributes and its media sections.</summary>
public sealed record SdpSessionDescription
{
    public required IReadOnlyList<SdpMediaSection> Media { get; init; }

    /// <summary>Mids of <c>a=group:BUNDLE</c>, or empty.</summary>
    public IReadOnlyList<string> Bundle { get; init; } = [];

    public string? IceUfrag { get; init; }

    public string? IcePwd { get; init; }

    public string? Fingerprint { get; init; }

    public string? Setup { get; init; }

    public bool IceLite { get; init; }

    /// <summary>The ICE ufrag of a section, falling back to the session level (RFC 8839 §5.4).</summary>
    public string? UfragOf(SdpMediaSection section) => section.IceUfrag ?? IceUfrag;

    public string? PwdOf(SdpMediaSection section) => section.IcePwd ?? IcePwd;

    public string? FingerprintOf(SdpMediaSection section) => section.Fingerprint ?? Fingerprint;

    public string? SetupOf(SdpMediaSection section) => section.Setup ?? Setup;
}
