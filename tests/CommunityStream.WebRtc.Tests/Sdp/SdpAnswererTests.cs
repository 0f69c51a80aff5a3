using System.Net;
using CommunityStream.Testing;
using CommunityStream.WebRtc.Dtls;
using CommunityStream.WebRtc.Sdp;

namespace CommunityStream.WebRtc.Tests.Sdp;

public sealed class SdpAnswererTests
{
    private const string TransportWideCc = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
    private static readonly DtlsCertificate Certificate = DtlsCertificate.Generate(TimeSpan.FromDays(1));

    [Fact]
    public void Should_answer_a_publisher_recvonly_with_opus_and_vp8_and_their_rtx()
    {
        var answer = SdpAnswerer.Answer(ChromeOffers.Publish, Options(AnswerMode.Receive));

        Assert.Equal("Xk3v", answer.RemoteIceUfrag);
        Assert.Equal("7Zr0bQ2cP5tN9mV4hL8sD1fG", answer.RemoteIcePwd);
        Assert.StartsWith("sha-256 9B:1F", answer.RemoteFingerprint.ToString(), StringComparison.Ordinal);
        var audio = Assert.Single(answer.Media, m => m.Kind == "audio");
        var video = Assert.Single(answer.Media, m => m.Kind == "video");
        Assert.Equal((111, "opus"), (audio.Codec.PayloadType, audio.Codec.Name));
        Assert.Equal((96, "VP8"), (video.Codec.PayloadType, video.Codec.Name));
        Assert.Equal(97, video.Rtx?.PayloadType);
        Assert.Equal(["goog-remb", "ccm fir", "nack", "nack pli"], video.Codec.Feedback);
        Assert.Equal(4, video.Extensions["urn:ietf:params:rtp-hdrext:sdes:mid"]);
        Assert.False(video.Extensions.ContainsKey(TransportWideCc));
        Assert.False(video.Extensions.ContainsKey("urn:3gpp:video-orientation"));
        Assert.Equal([2001u, 2002u], video.RemoteSsrcs);

        // The answer itself is a valid SDP our parser reads back, with what a browser needs.
        var parsed = SdpParser.Parse(answer.Sdp);
        Assert.True(parsed.IceLite);
        Assert.Equal(["0", "1"], parsed.Bundle);
        Assert.All(parsed.Media, m =>
        {
            Assert.Equal(SdpDirection.RecvOnly, m.Direction);
            Assert.Equal("passive", m.Setup);
            Assert.True(m.RtcpMux);
            Assert.Equal("srvufrag", m.IceUfrag);
            Assert.Equal(Certificate.Fingerprint, DtlsFingerprint.Parse(m.Fingerprint!));
            Assert.Contains("1 1 udp", m.Candidates[0], StringComparison.Ordinal);
            Assert.EndsWith("127.0.0.1 40000 typ host", m.Candidates[0], StringComparison.Ordinal);
        });
        Assert.Equal(["96", "97"], parsed.Media[1].Formats);
        Assert.Equal("apt=96", parsed.Media[1].Codecs.Single(c => c.PayloadType == 97).Format);
    }

    [Fact]
    public void Should_accept_transport_wide_congestion_control_only_when_asked_to()
    {
        var answer = SdpAnswerer.Answer(ChromeOffers.Publish, Options(AnswerMode.Receive) with { TransportWideCongestionControl = true });

        var video = Assert.Single(answer.Media, m => m.Kind == "video");
        Assert.Equal(["goog-remb", "transport-cc", "ccm fir", "nack", "nack pli"], video.Codec.Feedback);
        Assert.Equal(3, video.Extensions[TransportWideCc]);
        Assert.Contains($"a=extmap:3 {TransportWideCc}", answer.Sdp, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_pick_the_H264_variant_with_packetization_mode_1_when_H264_is_wanted()
    {
        var answer = SdpAnswerer.Answer(ChromeOffers.Publish, Options(AnswerMode.Receive) with { VideoCodecs = ["H264"] });

        var video = answer.Media.Single(m => m.Kind == "video");
        Assert.Equal(106, video.Codec.PayloadType);
        Assert.Equal("42e01f", video.Codec.Parameter("profile-level-id"));
        Assert.Equal(107, video.Rtx?.PayloadType);
        Assert.Contains("a=fmtp:106 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f", answer.Sdp, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_answer_a_viewer_sendonly_with_our_ssrcs_and_msid()
    {
        var options = Options(AnswerMode.Send) with { OutgoingSsrcs = new Dictionary<string, uint> { ["audio"] = 11, ["video"] = 22 } };

        var answer = SdpAnswerer.Answer(ChromeOffers.Watch, options);

        Assert.Equal([11u, 22u], answer.Media.Select(m => m.LocalSsrc!.Value));
        var parsed = SdpParser.Parse(answer.Sdp);
        Assert.All(parsed.Media, m => Assert.Equal(SdpDirection.SendOnly, m.Direction));
        Assert.Equal([22u], parsed.Media[1].Ssrcs);
        Assert.Contains("a=ssrc:22 cname:communitystream", answer.Sdp, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_accept_one_layer_of_a_simulcast_offer()
    {
        var answer = SdpAnswerer.Answer(ChromeOffers.PublishSimulcast, Options(AnswerMode.Receive));

        Assert.Equal("h", answer.Media.Single(m => m.Kind == "video").Rid);
        Assert.Contains("a=rid:h recv\r\na=simulcast:recv h\r\n", answer.Sdp, StringComparison.Ordinal);
        Assert.DoesNotContain("a=rid:m", answer.Sdp, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_reject_sections_going_the_wrong_way_and_fail_if_none_is_left()
    {
        var error = Assert.Throws<SdpParseException>(() => SdpAnswerer.Answer(ChromeOffers.Watch, Options(AnswerMode.Receive)));

        Assert.Contains("no audio or video section", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a=setup:actpass", "a=setup:passive", "must be actpass or active")]
    [InlineData("a=rtcp-mux\r\n", "", "a=rtcp-mux is required")]
    [InlineData("a=group:BUNDLE 0 1", "a=group:BUNDLE 0", "not in a=group:BUNDLE")]
    [InlineData("a=rtpmap:111 opus/48000/2", "a=rtpmap:111 opus", "a=rtpmap needs")]
    [InlineData("a=extmap:4 urn", "a=extmap:400 urn", "outside 1-255")]
    [InlineData("UDP/TLS/RTP/SAVPF 111", "RTP/AVP 111", "is not UDP/TLS/RTP/SAVPF")]
    public void Should_explain_which_line_of_a_bad_offer_is_wrong(string find, string replace, string expected)
    {
        var offer = ChromeOffers.Publish.Replace(find, replace, StringComparison.Ordinal);

        var error = Assert.Throws<SdpParseException>(() => SdpAnswerer.Answer(offer, Options(AnswerMode.Receive)));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.True(error.LineNumber > 0, "the error names a line");
    }

    [Fact]
    public void Should_require_a_sha256_fingerprint_and_ICE_credentials()
    {
        var noFingerprint = string.Join("\r\n", ChromeOffers.Publish.Split("\r\n").Where(l => !l.StartsWith("a=fingerprint", StringComparison.Ordinal)));
        var noUfrag = string.Join("\r\n", ChromeOffers.Publish.Split("\r\n").Where(l => !l.StartsWith("a=ice-ufrag", StringComparison.Ordinal)));

        Assert.Contains("a=fingerprint", Assert.Throws<SdpParseException>(() => SdpAnswerer.Answer(noFingerprint, Options(AnswerMode.Receive))).Message, StringComparison.Ordinal);
        Assert.Contains("a=ice-ufrag", Assert.Throws<SdpParseException>(() => SdpAnswerer.Answer(noUfrag, Options(AnswerMode.Receive))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_never_throw_anything_but_SdpParseException_on_mutated_offers()
    {
        var random = new Random(20261126);
        var offer = ChromeOffers.Publish;
        for (var i = 0; i < 3000; i++)
        {
            var mutated = Mutate(offer, random);
            try
            {
                SdpAnswerer.Answer(mutated, Options(AnswerMode.Receive));
            }
            catch (SdpParseException)
            {
                // The documented failure.
            }
        }
    }

    private static string Mutate(string offer, Random random)
    {
        var chars = offer.ToCharArray();
        switch (random.Next(4))
        {
            case 0:
                return offer[..random.Next(offer.Length)];
            case 1:
                for (var j = 0; j < 1 + random.Next(8); j++)
                {
                    chars[random.Next(chars.Length)] = (char)random.Next(0, 128);
                }
                return new string(chars);
            case 2:
                var lines = offer.Split("\r\n").ToList();
                lines.RemoveAt(random.Next(lines.Count));
                return string.Join("\r\n", lines);
            default:
                var bytes = new byte[random.Next(1, 400)];
                random.NextBytes(bytes);
                return "v=0\r\n" + System.Text.Encoding.Latin1.GetString(bytes);
        }
    }

    private static SdpAnswerOptions Options(AnswerMode mode) => new()
    {
        Mode = mode,
        IceUfrag = "srvufrag",
        IcePwd = "server-ice-password-0123456789",
        Fingerprint = Certificate.Fingerprint,
        Candidates = [new IPEndPoint(IPAddress.Loopback, 40000)],
    };
}
