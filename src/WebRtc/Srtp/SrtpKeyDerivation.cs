namespace CommunityStream.WebRtc.Srtp;

/// <summary>
/// SRTP key derivation (RFC 3711 §4.3) with the AES-CM PRF (§4.3.3) and a key derivation rate of 0, the only rate
/// DTLS-SRTP uses (RFC 5764 §4.1.2). AEAD profiles use the same KDF with their 96-bit salt (RFC 7714 §11).
/// </summary>
internal static class SrtpKeyDerivation
{
    // RFC 3711 §4.3.2 labels.
    public const byte RtpEncryption = 0x00;
    public const byte RtpAuthentication = 0x01;
    public const byte RtpSalt = 0x02;
    public const byte RtcpEncryption = 0x03;
    public const byte RtcpAuthentication = 0x04;
    public const byte RtcpSalt = 0x05;

    /// <summary>
    /// Derives one session key: x = (label || r) XOR master_salt with r = 0 (kdr = 0), right-aligned in the 112-bit salt
    /// (RFC 3711 §4.3.1); output = AES-CM keystream of the master key at IV = x * 2^16 (§4.3.3).
    /// </summary>
    public static void DeriveKey(ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt, byte label, Span<byte> output)
    {
        if (masterSalt.Length > 14)
        {
            throw new ArgumentException("SRTP master salts are at most 112 bits.", nameof(masterSalt));
        }

        Span<byte> iv = stackalloc byte[16];
        iv.Clear();

        // A 96-bit AEAD salt occupies the leading bytes, zero-padded to 112 bits, as libsrtp and browsers do.
        masterSalt.CopyTo(iv);
        iv[7] ^= label;
        output.Clear();
        using var prf = new AesCounterMode(masterKey, output.Length);
        prf.Transform(iv, output);
    }

    /// <summary>Derives the RTP and RTCP session keys of a profile from the DTLS-exported master key and salt.</summary>
    public static (SrtpSessionKeys Rtp, SrtpSessionKeys Rtcp) Derive(
        SrtpProfile profile, ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt)
    {
        if (masterKey.Length != profile.KeyLength() || masterSalt.Length != profile.SaltLength())
        {
            throw new ArgumentException($"{profile} needs a {profile.KeyLength()}-byte key and a {profile.SaltLength()}-byte salt.");
        }

        return (
            Derive(profile, masterKey, masterSalt, RtpEncryption, RtpAuthentication, RtpSalt),
            Derive(profile, masterKey, masterSalt, RtcpEncryption, RtcpAuthentication, RtcpSalt));
    }

    private static SrtpSessionKeys Derive(
        SrtpProfile profile, ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt, byte encryption, byte authentication, byte salt)
    {
        var key = new byte[profile.KeyLength()];
        var sessionSalt = new byte[profile.SaltLength()];
        var authKey = new byte[profile.AuthenticationKeyLength()];
        DeriveKey(masterKey, masterSalt, encryption, key);
        DeriveKey(masterKey, masterSalt, salt, sessionSalt);
        if (authKey.Length > 0)
        {
            DeriveKey(masterKey, masterSalt, authentication, authKey);
        }

        return new SrtpSessionKeys(key, sessionSalt, authKey);
    }
}
