namespace CommunityStream.WebRtc.Srtp;

/// <summary>
/// The session keys of one SRTP or SRTCP direction (RFC 3711 §4.3): encryption key, salt and, for the HMAC profile,
/// the authentication key. Secret material: never log it.
/// </summary>
internal sealed class SrtpSessionKeys(byte[] encryptionKey, byte[] salt, byte[] authenticationKey)
{
    public byte[] EncryptionKey { get; } = encryptionKey;

    public byte[] Salt { get; } = salt;

    public byte[] AuthenticationKey { get; } = authenticationKey;
}
