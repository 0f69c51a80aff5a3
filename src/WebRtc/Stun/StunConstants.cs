namespace CommunityStream.WebRtc.Stun;

/// <summary>Fixed numbers of the STUN wire format (RFC 8489 §5, §14.5, §14.7).</summary>
internal static class StunConstants
{
    public const int HeaderLength = 20;
    public const uint MagicCookie = 0x2112_A442;
    public const int TransactionIdLength = 12;
    public const int MessageIntegrityLength = 20;
    public const int FingerprintLength = 4;

    /// <summary>RFC 8489 §14.7: the CRC-32 is XOR'ed with 0x5354554E ("STUN").</summary>
    public const uint FingerprintXor = 0x5354_554E;

    /// <summary>Total size of an attribute of the given value length, including header and padding to 32 bits.</summary>
    public static int PaddedAttributeSize(int valueLength) => 4 + ((valueLength + 3) & ~3);
}
