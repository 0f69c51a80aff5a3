namespace CommunityStream.WebRtc.Stun;

/// <summary>
/// STUN attribute type codes used by ICE (RFC 8489 §18.3, RFC 8445 §16.1). Types below 0x8000 are
/// comprehension-required: a request carrying an unknown one gets a 420 with UNKNOWN-ATTRIBUTES (RFC 8489 §6.3.1).
/// </summary>
public static class StunAttributeType
{
    /// <summary>MAPPED-ADDRESS (RFC 8489 §14.1).</summary>
    public const ushort MappedAddress = 0x0001;
    /// <summary>USERNAME (§14.3); in ICE <c>receiver-ufrag:sender-ufrag</c>.</summary>
    public const ushort Username = 0x0006;
    /// <summary>MESSAGE-INTEGRITY (§14.5): HMAC-SHA1.</summary>
    public const ushort MessageIntegrity = 0x0008;
    /// <summary>ERROR-CODE (§14.8).</summary>
    public const ushort ErrorCode = 0x0009;
    /// <summary>UNKNOWN-ATTRIBUTES (§14.13).</summary>
    public const ushort UnknownAttributes = 0x000A;
    /// <summary>REALM (§14.9); long-term credentials only, not used by ICE.</summary>
    public const ushort Realm = 0x0014;
    /// <summary>NONCE (§14.10); long-term credentials only, not used by ICE.</summary>
    public const ushort Nonce = 0x0015;
    /// <summary>MESSAGE-INTEGRITY-SHA256 (§14.6); recognised, not verified.</summary>
    public const ushort MessageIntegritySha256 = 0x001C;
    /// <summary>XOR-MAPPED-ADDRESS (§14.2).</summary>
    public const ushort XorMappedAddress = 0x0020;
    /// <summary>PRIORITY (RFC 8445 §7.1.1).</summary>
    public const ushort Priority = 0x0024;
    /// <summary>USE-CANDIDATE (RFC 8445 §7.1.2): the controlling agent nominates this pair.</summary>
    public const ushort UseCandidate = 0x0025;
    /// <summary>SOFTWARE (RFC 8489 §14.14).</summary>
    public const ushort Software = 0x8022;
    /// <summary>FINGERPRINT (RFC 8489 §14.7): CRC-32, always last.</summary>
    public const ushort Fingerprint = 0x8028;
    /// <summary>ICE-CONTROLLED (RFC 8445 §7.1.3) with a tie-breaker.</summary>
    public const ushort IceControlled = 0x8029;
    /// <summary>ICE-CONTROLLING (RFC 8445 §7.1.3) with a tie-breaker.</summary>
    public const ushort IceControlling = 0x802A;

    /// <summary>Types below 0x8000 must be understood by the receiver (RFC 8489 §14).</summary>
    public static bool IsComprehensionRequired(ushort type) => type < 0x8000;

    /// <summary>Comprehension-required attributes this implementation understands.</summary>
    internal static bool IsKnown(ushort type) => type switch
    {
        MappedAddress or Username or MessageIntegrity or ErrorCode or UnknownAttributes or Realm or Nonce
            or XorMappedAddress or Priority or UseCandidate or MessageIntegritySha256 => true,
        _ => !IsComprehensionRequired(type),
    };
}
