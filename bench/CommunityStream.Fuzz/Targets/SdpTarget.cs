using System.Net;
using System.Text;
using CommunityStream.Testing;
using CommunityStream.WebRtc.Dtls;
using CommunityStream.WebRtc.Sdp;

namespace CommunityStream.Fuzz.Targets;

/// <summary>
/// <see cref="SdpParser"/> and <see cref="SdpAnswerer"/> in both directions (a WHIP publisher, a WHEP viewer), as the
/// signalling endpoints call them on a request body. Documented failure: <see cref="SdpParseException"/>, which the
/// endpoints turn into 400. Round trip: every answer we write parses again with the same sections and mids.
/// </summary>
internal sealed class SdpTarget : FuzzTarget
{
    private static readonly DtlsFingerprint Fingerprint = DtlsCertificate.Generate(TimeSpan.FromDays(1)).Fingerprint;

    private static readonly SdpAnswerOptions Receive = Options(AnswerMode.Receive);

    private static readonly SdpAnswerOptions Send = Options(AnswerMode.Send) with
    {
        OutgoingSsrcs = new Dictionary<string, uint> { ["audio"] = 1111, ["video"] = 2222 },
    };

    public override string Name => "sdp";

    public override int MaxLength => 8192;

    public override IReadOnlyList<byte[]> Seeds { get; } =
        [.. new[] { ChromeOffers.Publish, ChromeOffers.Watch, ChromeOffers.PublishSimulcast }.Select(Encoding.UTF8.GetBytes)];

    public override IReadOnlyList<byte[]> Dictionary { get; } =
    [
        .. new[]
        {
            "\r\n", "\n", "\r", " ", ":", "=", "/", ";", "-1", "0", "65536", "99999999999999999999", "\0", "\u00e9", "\ud83d\ude00",
            "v=0", "m=audio 9 UDP/TLS/RTP/SAVPF ", "m=video 0 UDP/TLS/RTP/SAVPF ", "m=application 9 UDP/DTLS/SCTP webrtc-datachannel",
            "a=group:BUNDLE ", "a=mid:", "a=ice-ufrag:", "a=ice-pwd:", "a=ice-lite", "a=fingerprint:sha-256 ", "a=fingerprint:sha-1 ",
            "a=setup:", "actpass", "active", "passive", "a=rtcp-mux", "a=rtcp-rsize", "a=rtpmap:", "opus/48000/2", "VP8/90000",
            "H264/90000", "rtx/90000", "a=fmtp:", "apt=", "profile-level-id=", "packetization-mode=1", "a=rtcp-fb:", "nack pli",
            "a=extmap:", "a=rid:", " send", " recv", "a=simulcast:send ", "~", "a=ssrc:", "a=ssrc-group:FID ", "a=msid:",
            "a=candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host", "a=sendonly", "a=recvonly", "a=sendrecv", "a=inactive",
        }.Select(Encoding.UTF8.GetBytes),
    ];

    public override FuzzOutcome Run(ReadOnlySpan<byte> input)
    {
        // The endpoints read the body as UTF-8 text (invalid bytes become U+FFFD), as here.
        var text = Encoding.UTF8.GetString(input);
        SdpSessionDescription offer;
        try
        {
            offer = SdpParser.Parse(text);
        }
        catch (SdpParseException)
        {
            return FuzzOutcome.Rejected;
        }
        var accepted = TryAnswer(offer, Receive);
        accepted |= TryAnswer(offer, Send);
        return accepted ? FuzzOutcome.Accepted : FuzzOutcome.Rejected;
    }

    private static bool TryAnswer(SdpSessionDescription offer, SdpAnswerOptions options)
    {
        SdpAnswer answer;
        try
        {
            answer = SdpAnswerer.Answer(offer, options);
        }
        catch (SdpParseException)
        {
            return false;
        }
        SdpSessionDescription parsed;
        try
        {
            parsed = SdpParser.Parse(answer.Sdp);
        }
        catch (SdpParseException ex)
        {
            throw new InvariantViolation($"our own answer does not parse: {ex.Message}");
        }
        if (parsed.Media.Count != offer.Media.Count || !parsed.Media.Select(m => m.Mid).SequenceEqual(offer.Media.Select(m => m.Mid)))
        {
            throw new InvariantViolation("the answer's sections do not match the offer's");
        }
        if (answer.RemoteIceUfrag.Length == 0 || answer.RemoteIcePwd.Length == 0)
        {
            throw new InvariantViolation("an answer without the offer's ICE credentials");
        }
        return true;
    }

    private static SdpAnswerOptions Options(AnswerMode mode) => new()
    {
        Mode = mode,
        IceUfrag = "srvufrag",
        IcePwd = "server-ice-password-0123456789",
        Fingerprint = Fingerprint,
        Candidates = [new IPEndPoint(IPAddress.Loopback, 40000)],
    };
}
