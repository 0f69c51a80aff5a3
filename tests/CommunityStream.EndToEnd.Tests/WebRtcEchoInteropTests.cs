using CommunityStream.EndToEnd.Tests.Support;
using CommunityStream.WebRtc.Sdp;
using CommunityStream.WebRtc.Srtp;

namespace CommunityStream.EndToEnd.Tests;

/// <summary>
/// The other direction: what Chromium publishes comes back to a second connection in the same page with our
/// SSRCs, protected with our SRTP keys, and Chromium decodes it (framesDecoded keeps increasing).
/// </summary>
[Collection(ChromiumTests.Name)]
public sealed class WebRtcEchoInteropTests(ChromiumFixture chromium)
{
    [SkippableTheory]
    [InlineData("VP8", SrtpProfile.AeadAes128Gcm)]
    [InlineData("H264", SrtpProfile.Aes128CmHmacSha1Tag80)]
    [InlineData("VP8", SrtpProfile.Aes128CmHmacSha1Tag80)]
    [InlineData("H264", SrtpProfile.AeadAes128Gcm)]
    public async Task Should_send_media_back_that_Chromium_decodes(string videoCodec, SrtpProfile profile)
    {
        chromium.SkipIfUnavailable();
        using var server = new LoopbackMediaServer(profile);
        var page = await chromium.NewPageAsync();
        try
        {
            var (publisher, publisherAnswer) = server.Negotiate(await page.EvaluateAsync<string>(PublisherScript.CreateOffer, videoCodec), AnswerMode.Receive, videoCodec);
            var (viewer, viewerAnswer) = server.Negotiate(await page.EvaluateAsync<string>(ViewerScript.CreateOffer), AnswerMode.Send, videoCodec);
            using (publisher)
            using (viewer)
            {
                var forwarder = new EchoForwarder(publisher, publisherAnswer, viewer, viewerAnswer);
                await page.EvaluateAsync(PublisherScript.Accept, publisherAnswer.Sdp);
                await page.EvaluateAsync(ViewerScript.Accept, viewerAnswer.Sdp);
                await Task.WhenAll(publisher.Connected, viewer.Connected).WaitAsync(TimeSpan.FromSeconds(40));
                forwarder.RequestKeyframe();

                var first = await WaitForStats(page, s => s[0] >= 15 && s[1] >= 50, TimeSpan.FromSeconds(20));
                var later = await WaitForStats(page, s => s[0] >= first[0] + 15, TimeSpan.FromSeconds(10));

                Assert.Equal(640, later[2]);
                Assert.True(forwarder.Forwarded > 100, $"forwarded {forwarder.Forwarded}");
                Assert.Equal(0, viewer.PacketsRejected);
            }
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    private static async Task<long[]> WaitForStats(Microsoft.Playwright.IPage page, Func<long[], bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var stats = await page.EvaluateAsync<long[]>(ViewerScript.Stats);
            if (done(stats))
            {
                return stats;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"viewer stats [framesDecoded, audioPackets, width] stayed at [{string.Join(", ", stats)}]");
            }
            await Task.Delay(200);
        }
    }
}
