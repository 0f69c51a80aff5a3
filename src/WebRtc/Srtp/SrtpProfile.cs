namespace CommunityStream.WebRtc.Srtp;

/// <summary>
/// SRTP protection profiles negotiated by DTLS-SRTP `use_srtp`; values are the RFC 5764 §4.1.2 / RFC 7714 §14.2
/// profile identifiers.
/// </summary>
public enum SrtpProfile : ushort
{
    /// <summary>SRTP_AES128_CM_HMAC_SHA1_80 (RFC 3711, RFC 5764 §4.1.2).</summary>
    Aes128CmHmacSha1Tag80 = 0x0001,

    /// <summary>SRTP_AEAD_AES_128_GCM (RFC 7714 §14.2).</summary>
    AeadAes128Gcm = 0x0007,
}

/// <summary>Key, salt and tag sizes of each profile (RFC 5764 §4.1.2, RFC 7714 §14.2).</summary>
public static class SrtpProfileSizes
{
    /// <summary>Master key length: 16 bytes for both profiles.</summary>
    public static int KeyLength(this SrtpProfile profile) => 16;

    /// <summary>Master salt length: 14 bytes for AES-CM, 12 for AEAD-GCM.</summary>
    public static int SaltLength(this SrtpProfile profile) => profile == SrtpProfile.AeadAes128Gcm ? 12 : 14;

    internal static int AuthenticationKeyLength(this SrtpProfile profile) => profile == SrtpProfile.AeadAes128Gcm ? 0 : 20;

    /// <summary>Bytes appended to an RTP packet: the 80-bit HMAC tag or the 128-bit GCM tag.</summary>
    public static int RtpOverhead(this SrtpProfile profile) => profile == SrtpProfile.AeadAes128Gcm ? 16 : 10;

    /// <summary>Bytes appended to an RTCP packet: E flag + SRTCP index (4) plus the tag.</summary>
    public static int RtcpOverhead(this SrtpProfile profile) => 4 + profile.RtpOverhead();
}
