using System.Net;
using CommunityStream.WebRtc.Dtls;
using CommunityStream.WebRtc.Sdp;
using CommunityStream.WebRtc.Srtp;
using CommunityStream.WebRtc.Transport;

namespace CommunityStream.EndToEnd.Tests.Support;

/// <summary>
/// Our transport as a browser test talks to it: one UDP endpoint on 127.0.0.1 and a DTLS handshaker that accepts
/// only the SRTP profile under test (Chromium offers both, so restricting ours proves each interoperates).
/// </summary>
internal sealed class LoopbackMediaServer : IDisposable
{
    private static readonly DtlsCertificate Certificate = DtlsCertificate.Generate(TimeSpan.FromDays(1));
    private readonly WebRtcEndpoint _endpoint = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly DtlsHandshaker _handshaker;

    public LoopbackMediaServer(SrtpProfile profile)
    {
        _handshaker = new DtlsHandshaker(Certificate, maxConcurrent: 4, TimeSpan.FromSeconds(30), serverProfiles: [profile]);
    }

    public WebRtcEndpoint Endpoint => _endpoint;

    /// <summary>Answers a browser offer and creates the transport that will carry it.</summary>
    public (WebRtcTransport Transport, SdpAnswer Answer) Negotiate(string offer, AnswerMode mode, string videoCodec)
    {
        var local = IceCredentials.Generate();
        var answer = SdpAnswerer.Answer(offer, new SdpAnswerOptions
        {
            Mode = mode,
            IceUfrag = local.Ufrag,
            IcePwd = local.Password,
            Fingerprint = Certificate.Fingerprint,
            Candidates = [_endpoint.LocalEndPoint],
            VideoCodecs = [videoCodec],
            OutgoingSsrcs = new Dictionary<string, uint> { ["audio"] = 0x1111, ["video"] = 0x2222 },
        });
        var transport = new WebRtcTransport(_endpoint, _handshaker, local, answer.RemoteIceUfrag, answer.RemoteFingerprint, TimeSpan.FromSeconds(30));
        return (transport, answer);
    }

    public void Dispose()
    {
        _endpoint.Dispose();
        _handshaker.Dispose();
    }
}
