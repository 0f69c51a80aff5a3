namespace CommunityStream.Media.WebRtc.Dtls;

/// <summary>SRTP protection profiles negotiated by DTLS <c>use_srtp</c> (RFC 5764 §4.1.2, RFC 7714 §14.2).</summary>
public enum SrtpProfile
{
    /// <summary>SRTP_AES128_CM_HMAC_SHA1_80 (0x0001).</summary>
    Aes128CmHmacSha1Tag80 = 0x0001,

    /// <summary>SRTP_AEAD_AES_128_GCM (0x0007), preferred.</summary>
    AeadAes128Gcm = 0x0007,
}

/// <summary>Key and salt lengths per profile.</summary>
public static class SrtpProfiles
{
    /// <summary>Master key length in bytes.</summary>
    public static int KeyLength(SrtpProfile profile) => 16;

    /// <summary>Master salt length in bytes: 14 for AES-CM (RFC 3711), 12 for AEAD-GCM (RFC 7714 §12).</summary>
    public static int SaltLength(SrtpProfile profile) => profile == SrtpProfile.AeadAes128Gcm ? 12 : 14;
}
