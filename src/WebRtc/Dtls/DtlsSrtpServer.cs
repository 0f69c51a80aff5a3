using CommunityStream.WebRtc.Srtp;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace CommunityStream.WebRtc.Dtls;

/// <summary>
/// The DTLS 1.2 server a browser talks to (SDP <c>a=setup:passive</c>): ECDHE-ECDSA AEAD suites, a required
/// client certificate whose SHA-256 must match the offer's <c>a=fingerprint</c>, <c>use_srtp</c> with AEAD-GCM
/// preferred over AES-CM (RFC 5764, RFC 7714), and the extended master secret required (RFC 7627).
/// </summary>
internal sealed class DtlsSrtpServer(BcTlsCrypto crypto, DtlsCertificate certificate, DtlsFingerprint expectedPeer, int handshakeTimeoutMillis, IReadOnlyList<SrtpProfile> profiles)
    : DefaultTlsServer(crypto)
{
    private static readonly int[] CipherSuites =
    [
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    ];

    private SrtpProfile? _profile;

    /// <summary>Set once the handshake completes.</summary>
    public SrtpKeyingMaterial? Keys { get; private set; }

    protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.DTLSv12.Only();

    protected override int[] GetSupportedCipherSuites() => CipherSuites;

    public override int GetHandshakeTimeoutMillis() => handshakeTimeoutMillis;

    public override bool RequiresExtendedMasterSecret() => true;

    protected override TlsCredentialedSigner GetECDsaSignerCredentials() =>
        DtlsCredentials.Signer(m_context, (BcTlsCrypto)Crypto, certificate);

    public override CertificateRequest GetCertificateRequest() =>
        // WebRTC authenticates both ends by certificate fingerprint (RFC 8827 §6.5).
        new([ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign], DtlsCredentials.SignatureAlgorithms(), null);

    public override void NotifyClientCertificate(Certificate clientCertificate) =>
        DtlsCredentials.VerifyPeer(clientCertificate, expectedPeer);

    public override void ProcessClientExtensions(IDictionary<int, byte[]> clientExtensions)
    {
        base.ProcessClientExtensions(clientExtensions);
        var offered = TlsSrtpUtilities.GetUseSrtpExtension(clientExtensions)
            ?? throw new TlsFatalAlert(AlertDescription.handshake_failure, "The client offered no use_srtp extension.");
        _profile = DtlsCredentials.ChooseProfile(offered.ProtectionProfiles, profiles)
            ?? throw new TlsFatalAlert(AlertDescription.handshake_failure, "No common SRTP protection profile.");
    }

    public override IDictionary<int, byte[]> GetServerExtensions()
    {
        var extensions = base.GetServerExtensions();
        TlsSrtpUtilities.AddUseSrtpExtension(extensions, new UseSrtpData([(int)_profile!.Value], TlsUtilities.EmptyBytes));
        return extensions;
    }

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        var profile = _profile!.Value;
        var exported = m_context.ExportKeyingMaterial(SrtpKeyingMaterial.ExporterLabel, null, SrtpKeyingMaterial.ExportLength(profile));
        Keys = SrtpKeyingMaterial.Split(profile, exported, isServer: true);
    }
}
