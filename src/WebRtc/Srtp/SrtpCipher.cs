namespace CommunityStream.WebRtc.Srtp;

/// <summary>
/// The cryptographic transform of one direction (SRTP or SRTCP) of a profile, applied in place with the packet index
/// already decided by <see cref="SrtpContext"/>. Implementations keep their AES state and buffers, so a packet allocates
/// nothing. Not thread-safe.
/// </summary>
internal abstract class SrtpCipher : IDisposable
{
    /// <summary>Encrypts the payload after <paramref name="headerLength"/> and appends the tag at <paramref name="length"/>.</summary>
    public abstract void ProtectRtp(Span<byte> packet, int headerLength, int length, uint ssrc, uint roc, ushort sequence);

    /// <summary>Authenticates, then decrypts in place. <paramref name="length"/> includes the tag.</summary>
    public abstract bool UnprotectRtp(Span<byte> packet, int headerLength, int length, uint ssrc, uint roc, ushort sequence);

    /// <summary>Encrypts after the first 8 bytes and appends the E flag, SRTCP index and tag (RFC 3711 §3.4).</summary>
    public abstract void ProtectRtcp(Span<byte> packet, int length, uint ssrc, uint index);

    /// <summary>Authenticates, then decrypts in place. <paramref name="length"/> includes the trailer.</summary>
    public abstract bool UnprotectRtcp(Span<byte> packet, int length, uint ssrc, uint index, bool encrypted);

    public static SrtpCipher Create(SrtpProfile profile, SrtpSessionKeys keys) => profile switch
    {
        SrtpProfile.Aes128CmHmacSha1Tag80 => new SrtpAesCmHmacCipher(keys),
        SrtpProfile.AeadAes128Gcm => new SrtpAesGcmCipher(keys),
        _ => throw new ArgumentOutOfRangeException(nameof(profile), profile, "Unsupported SRTP profile."),
    };

    public abstract void Dispose();
}
