using System.Net;

namespace CommunityStream.EndToEnd.Tests.Live;

/// <summary>
/// Offers without the ICE and DTLS attributes a session needs (RFC 8839 §5.4, RFC 8842 §5): refused with 400 naming
/// the attribute, on WHIP and WHEP alike, and nothing goes live.
/// </summary>
public sealed partial class WhipWhepSignallingTests
{
    [Theory]
    [InlineData("a=ice-ufrag")]
    [InlineData("a=ice-pwd")]
    [InlineData("a=fingerprint")]
    [InlineData("a=setup")]
    public async Task Should_refuse_an_offer_without_a_mandatory_attribute_anywhere_with_400_naming_it(string attribute)
    {
        var channel = "noattr" + attribute[2..].Replace("-", "", StringComparison.Ordinal);
        var streamer = await fixture.StreamerAsync(channel);

        using var publish = await fixture.PostSdpAsync($"/whip/{channel}", Without(ChromeOffers.Publish, attribute), streamer.StreamKey);

        Assert.Equal(HttpStatusCode.BadRequest, publish.StatusCode);
        Assert.Contains($"the offer has no {attribute}", (await ProblemAsync(publish)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.False((await GetStreamAsync(channel)).GetProperty("live").GetBoolean());

        using var live = await fixture.PostSdpAsync($"/whip/{channel}", ChromeOffers.Publish, streamer.StreamKey);
        Assert.Equal(HttpStatusCode.Created, live.StatusCode);
        using var watch = await fixture.PostSdpAsync($"/whep/{channel}", Without(ChromeOffers.Watch, attribute));
        Assert.Equal(HttpStatusCode.BadRequest, watch.StatusCode);
        Assert.Contains($"the offer has no {attribute}", (await ProblemAsync(watch)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        (await fixture.SendAsync(HttpMethod.Delete, live.Headers.Location!.ToString(), streamer.StreamKey)).Dispose();
    }

    [Fact]
    public async Task Should_refuse_an_offer_without_ice_credentials_at_either_level()
    {
        var streamer = await fixture.StreamerAsync("noicecreds");
        var offer = Without(Without(ChromeOffers.Publish, "a=ice-ufrag"), "a=ice-pwd");

        using var publish = await fixture.PostSdpAsync("/whip/noicecreds", offer, streamer.StreamKey);

        Assert.Equal(HttpStatusCode.BadRequest, publish.StatusCode);
        Assert.Contains("a=ice-ufrag", (await ProblemAsync(publish)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.False((await GetStreamAsync("noicecreds")).GetProperty("live").GetBoolean());
    }

    private static string Without(string offer, string attribute) =>
        string.Join("\r\n", offer.Split("\r\n").Where(line => !line.StartsWith(attribute, StringComparison.Ordinal)));
}
