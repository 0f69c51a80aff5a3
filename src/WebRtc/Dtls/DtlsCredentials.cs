using CommunityStream.WebRtc.Srtp;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace CommunityStream.WebRtc.Dtls;

/// <summary>What the DTLS client and server share: our signer, the peer check and the profile choice.</summary>
internal static class DtlsCredentials
{
    /// <summary>Our default order of preference: AEAD-GCM is cheaper per packet and authenticates the header too.</summary>
    public static readonly IReadOnlyList<SrtpProfile> DefaultPreference = [SrtpProfile.AeadAes128Gcm, SrtpProfile.Aes128CmHmacSha1Tag80];

    private static readonly SignatureAndHashAlgorithm EcdsaSha256 = new(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa);

    public static TlsCredentialedSigner Signer(TlsContext context, BcTlsCrypto crypto, DtlsCertificate certificate)
    {
        var chain = new Certificate([crypto.CreateCertificate(certificate.Der)]);
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, certificate.PrivateKey, chain, EcdsaSha256);
    }

    public static IList<SignatureAndHashAlgorithm> SignatureAlgorithms() =>
    [
        EcdsaSha256,
        new SignatureAndHashAlgorithm(HashAlgorithm.sha384, SignatureAlgorithm.ecdsa),
        new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.rsa),
        SignatureAndHashAlgorithm.rsa_pss_rsae_sha256,
    ];

    /// <summary>Fails the handshake with bad_certificate unless the peer's leaf certificate matches the SDP fingerprint.</summary>
    public static void VerifyPeer(Certificate? peer, DtlsFingerprint expected)
    {
        if (peer is null || peer.IsEmpty || !expected.Matches(peer.GetCertificateAt(0).GetEncoded()))
        {
            throw new TlsFatalAlert(AlertDescription.bad_certificate, "The peer certificate does not match the SDP fingerprint.");
        }
    }

    public static SrtpProfile? ChooseProfile(int[] offered, IReadOnlyList<SrtpProfile> preference)
    {
        foreach (var profile in preference)
        {
            if (offered.Contains((int)profile))
            {
                return profile;
            }
        }
        return null;
    }
}
