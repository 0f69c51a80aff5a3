using System.Net;
using CommunityStream.WebRtc.Dtls;
using CommunityStream.WebRtc.Sdp;

namespace CommunityStream.MediaLoad.Tests;

/// <summary>Our offers as the server's own parser and answerer see them, and the answers read back.</summary>
public sealed class OfferAndAnswerTests
{
    private static readonly DtlsFingerprint Fingerprint = DtlsCertificate.Generate(TimeSpan.FromDays(1)).Fingerprint;
    private static readonly IPEndPoint ServerCandidate = new(IPAddress.Loopback, 40123);

    [Fact]
    public void Should_build_a_sendonly_bundled_publisher_offer_with_its_ssrcs()
    {
        var offer = SdpParser.Parse(OfferBuilder.Publisher("cufrag", "client-password-0123456789", Fingerprint, new PublisherSsrcs(11, 22), new IPEndPoint(IPAddress.Loopback, 5000)));

        Assert.Equal(["0", "1"], offer.Bundle);
        Assert.Equal(["audio", "video"], offer.Media.Select(m => m.Kind));
        Assert.All(offer.Media, m =>
        {
            Assert.Equal(SdpDirection.SendOnly, m.Direction);
            Assert.True(m.RtcpMux);
            Assert.Equal("cufrag", offer.UfragOf(m));
            Assert.Equal(Fingerprint, DtlsFingerprint.Parse(offer.FingerprintOf(m)!));
            Assert.Equal("actpass", offer.SetupOf(m));
        });
        Assert.Equal([11u], offer.Media[0].Ssrcs);
        Assert.Equal([22u], offer.Media[1].Ssrcs);
        Assert.Equal("VP8", offer.Media[1].Codecs[0].Name);
    }

    [Fact]
    public void Should_have_its_publisher_offer_accepted_by_our_whip_answerer()
    {
        var offer = OfferBuilder.Publisher("cufrag", "client-password-0123456789", Fingerprint, new PublisherSsrcs(11, 22));

        var answer = SdpAnswerer.Answer(offer, AnswerOptions(AnswerMode.Receive));
        var remote = RemoteDescription.Parse(answer.Sdp);

        Assert.Equal(2, answer.Media.Count);
        Assert.Equal([22u], answer.Media.Single(m => m.Kind == "video").RemoteSsrcs);
        Assert.Contains(OfferBuilder.MidExtensionUri, answer.Media[0].Extensions.Keys);
        Assert.Equal(OfferBuilder.Vp8PayloadType, remote.Video!.PayloadType);
        Assert.Equal(OfferBuilder.OpusPayloadType, remote.Audio!.PayloadType);
    }

    [Fact]
    public void Should_read_candidate_credentials_fingerprint_and_ssrcs_from_a_whep_answer()
    {
        var offer = OfferBuilder.Viewer("vufrag", "viewer-password-0123456789", Fingerprint);

        var answer = SdpAnswerer.Answer(offer, AnswerOptions(AnswerMode.Send));
        var remote = RemoteDescription.Parse(answer.Sdp);

        Assert.Equal(ServerCandidate, remote.Candidate);
        Assert.Equal("sufrag", remote.IceUfrag);
        Assert.Equal("server-password-0123456789", remote.IcePwd);
        Assert.Equal(Fingerprint, remote.Fingerprint);
        Assert.Equal([0x1111u], remote.Audio!.Ssrcs);
        Assert.Equal([0x2222u], remote.Video!.Ssrcs);
        Assert.Equal("VP8", remote.Video.Codec);
        Assert.Equal(SdpDirection.RecvOnly, SdpParser.Parse(offer).Media[1].Direction);
    }

    [Fact]
    public void Should_take_h264_when_the_server_prefers_it_for_a_viewer()
    {
        var offer = OfferBuilder.Viewer("vufrag", "viewer-password-0123456789", Fingerprint);

        var answer = SdpAnswerer.Answer(offer, AnswerOptions(AnswerMode.Send) with { VideoCodecs = ["H264"] });

        Assert.Equal(OfferBuilder.H264PayloadType, RemoteDescription.Parse(answer.Sdp).Video!.PayloadType);
    }

    [Theory]
    [InlineData("1 1 udp 2130706431 127.0.0.1 40000 typ host", "127.0.0.1:40000")]
    [InlineData("1 1 UDP 2130706431 ::1 40000 typ host", "[::1]:40000")]
    [InlineData("1 1 tcp 2130706431 127.0.0.1 40000 typ host tcptype passive", null)]
    [InlineData("1 2 udp 2130706431 127.0.0.1 40001 typ host", null)]
    [InlineData("1 1 udp 2130706431 host.local 40000 typ host", null)]
    [InlineData("1 1 udp 2130706431 127.0.0.1 0 typ host", null)]
    [InlineData("garbage", null)]
    public void Should_take_only_udp_component_1_candidates_with_an_address(string candidate, string? expected)
    {
        Assert.Equal(expected, RemoteDescription.ParseCandidate(candidate)?.ToString());
    }

    [Fact]
    public void Should_say_what_an_unusable_answer_lacks()
    {
        var answer = SdpAnswerer.Answer(OfferBuilder.Viewer("v", "viewer-password-0123456789", Fingerprint), AnswerOptions(AnswerMode.Send) with { Candidates = [] });

        var error = Assert.Throws<FormatException>(() => RemoteDescription.Parse(answer.Sdp));
        Assert.Contains("candidate", error.Message, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => RemoteDescription.Parse("not sdp"));
    }

    private static SdpAnswerOptions AnswerOptions(AnswerMode mode) => new()
    {
        Mode = mode,
        IceUfrag = "sufrag",
        IcePwd = "server-password-0123456789",
        Fingerprint = Fingerprint,
        Candidates = [ServerCandidate],
        OutgoingSsrcs = new Dictionary<string, uint> { ["audio"] = 0x1111, ["video"] = 0x2222 },
    };
}
