using System.Net;
using CommunityStream.Testing;
using CommunityStream.WebRtc.Dtls;
using CommunityStream.WebRtc.Sdp;

namespace CommunityStream.WebRtc.Tests.Sdp;

/// <summary>
/// Offers the fuzz run (bench/CommunityStream.Fuzz) and hostile clients produced: answered or refused with
/// <see cref="SdpParseException"/>, never another exception; missing mandatory attributes named alike.
/// </summary>
public sealed class SdpAnswererHostileOfferTests
{
    private static readonly DtlsCertificate Certificate = DtlsCertificate.Generate(TimeSpan.FromDays(1));

    [Fact]
    public void Should_answer_an_offer_that_maps_one_extension_uri_twice_with_its_lowest_id()
    {
        const string Mid = "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid\r\n";
        var offer = ChromeOffers.Publish.Replace(Mid, Mid + "a=extmap:12 urn:ietf:params:rtp-hdrext:sdes:mid\r\n", StringComparison.Ordinal);
        Assert.NotEqual(ChromeOffers.Publish, offer);

        var answer = SdpAnswerer.Answer(offer, Options(AnswerMode.Receive));

        Assert.All(answer.Media, media => Assert.Equal(4, media.Extensions["urn:ietf:params:rtp-hdrext:sdes:mid"]));
    }

    [Theory]
    [InlineData("a=ice-ufrag")]
    [InlineData("a=ice-pwd")]
    [InlineData("a=fingerprint")]
    [InlineData("a=setup")]
    public void Should_name_a_mandatory_attribute_missing_at_both_levels_the_same_way(string attribute)
    {
        var offer = string.Join("\r\n", ChromeOffers.Watch.Split("\r\n").Where(line => !line.StartsWith(attribute, StringComparison.Ordinal)));

        var error = Assert.Throws<SdpParseException>(() => SdpAnswerer.Answer(offer, Options(AnswerMode.Send)));

        Assert.Equal($"SDP: the offer has no {attribute} (neither at session level nor in media section '0')", error.Message);
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
