using CommunityStream.WebRtc.Srtp;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace CommunityStream.WebRtc.Dtls;

/// <summary>
/// The DTLS 1.2 client side (SDP <c>a=setup:active</c>), used by our tests and the load generator's synthetic
/// viewers: offers <paramref name="profiles"/> in <c>use_srtp</c>, presents our certificate, and accepts the
/// server only if its certificate matches the expected fingerprint.
/// </summary>
internal sealed class DtlsSrtpClient(
    BcTlsCrypto crypto,
    DtlsCertificate certificate,
    DtlsFingerprint expectedPeer,
    IReadOnlyList<SrtpProfile> profiles,
    int handshakeTimeoutMillis,
    bool offerExtendedMasterSecret = true)
    : DefaultTlsClient(crypto)
{
    private readonly DtlsCertificate _certificate = certificate;
    private readonly DtlsFingerprint _expectedPeer = expectedPeer;
    private SrtpProfile? _profile;

    /// <summary>Set once the handshake completes.</summary>
    public SrtpKeyingMaterial? Keys { get; private set; }

    protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.DTLSv12.Only();

    protected override int[] GetSupportedCipherSuites() =>
    [
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    ];

    public override int GetHandshakeTimeoutMillis() => handshakeTimeoutMillis;

    // Only tests turn this off, to prove the server refuses a handshake without it.
    public override bool ShouldUseExtendedMasterSecret() => offerExtendedMasterSecret;

    public override bool RequiresExtendedMasterSecret() => offerExtendedMasterSecret;

    public override IDictionary<int, byte[]> GetClientExtensions()
    {
        var extensions = base.GetClientExtensions() ?? new Dictionary<int, byte[]>();
        TlsSrtpUtilities.AddUseSrtpExtension(extensions, new UseSrtpData(profiles.Select(p => (int)p).ToArray(), TlsUtilities.EmptyBytes));
        return extensions;
    }

    public override void ProcessServerExtensions(IDictionary<int, byte[]> serverExtensions)
    {
        base.ProcessServerExtensions(serverExtensions);
        var chosen = TlsSrtpUtilities.GetUseSrtpExtension(serverExtensions)
            ?? throw new TlsFatalAlert(AlertDescription.illegal_parameter, "The server did not select an SRTP profile.");
        if (chosen.ProtectionProfiles.Length != 1 || !profiles.Contains((SrtpProfile)chosen.ProtectionProfiles[0]))
        {
            throw new TlsFatalAlert(AlertDescription.illegal_parameter, "The server selected an SRTP profile we did not offer.");
        }
        _profile = (SrtpProfile)chosen.ProtectionProfiles[0];
    }

    public override TlsAuthentication GetAuthentication() => new Authentication(this);

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        var profile = _profile!.Value;
        var exported = m_context.ExportKeyingMaterial(SrtpKeyingMaterial.ExporterLabel, null, SrtpKeyingMaterial.ExportLength(profile));
        Keys = SrtpKeyingMaterial.Split(profile, exported, isServer: false);
    }

    private sealed class Authentication(DtlsSrtpClient client) : TlsAuthentication
    {
        public void NotifyServerCertificate(TlsServerCertificate serverCertificate) =>
            DtlsCredentials.VerifyPeer(serverCertificate.Certificate, client._expectedPeer);

        public TlsCredentials GetClientCredentials(CertificateRequest certificateRequest) =>
            DtlsCredentials.Signer(client.m_context, (BcTlsCrypto)client.Crypto, client._certificate);
    }
}
