using CommunityStream.WebRtc.Srtp;

namespace CommunityStream.WebRtc.Dtls;

/// <summary>
/// SRTP master keys exported from a finished DTLS handshake, already split into this side's and the peer's.
/// </summary>
/// <param name="Profile">The negotiated protection profile.</param>
/// <param name="LocalKey">Master key this side protects with.</param>
/// <param name="LocalSalt">Master salt this side protects with.</param>
/// <param name="RemoteKey">Master key the peer protects with (this side unprotects with it).</param>
/// <param name="RemoteSalt">Master salt the peer protects with.</param>
public sealed record SrtpKeyingMaterial(SrtpProfile Profile, byte[] LocalKey, byte[] LocalSalt, byte[] RemoteKey, byte[] RemoteSalt)
{
    /// <summary>The RFC 5764 §4.2 exporter label.</summary>
    internal const string ExporterLabel = "EXTRACTOR-dtls_srtp";

    /// <summary>Bytes to export for <paramref name="profile"/>: two keys and two salts.</summary>
    internal static int ExportLength(SrtpProfile profile) => 2 * (profile.KeyLength() + profile.SaltLength());

    /// <summary>Splits exported material (client key, server key, client salt, server salt — RFC 5764 §4.2).</summary>
    internal static SrtpKeyingMaterial Split(SrtpProfile profile, ReadOnlySpan<byte> exported, bool isServer)
    {
        var keyLength = profile.KeyLength();
        var saltLength = profile.SaltLength();
        var clientKey = exported[..keyLength].ToArray();
        var serverKey = exported.Slice(keyLength, keyLength).ToArray();
        var clientSalt = exported.Slice(2 * keyLength, saltLength).ToArray();
        var serverSalt = exported.Slice((2 * keyLength) + saltLength, saltLength).ToArray();
        return isServer
            ? new SrtpKeyingMaterial(profile, serverKey, serverSalt, clientKey, clientSalt)
            : new SrtpKeyingMaterial(profile, clientKey, clientSalt, serverKey, serverSalt);
    }
}
