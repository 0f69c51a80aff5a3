using System.Net;
using CommunityStream.EndToEnd.Tests.Support;
using CommunityStream.WebRtc.Dtls;
using CommunityStream.WebRtc.Sdp;

namespace CommunityStream.EndToEnd.Tests;

/// <summary>
/// Our SDP answerer against a real Chromium: it parses Chromium's own offers and Chromium accepts our answers
/// (setRemoteDescription succeeds and the transceivers take the negotiated codec and direction).
/// </summary>
[Collection(ChromiumTests.Name)]
public sealed class SdpInteropTests(ChromiumFixture chromium)
{
    private static readonly DtlsCertificate Certificate = DtlsCertificate.Generate(TimeSpan.FromDays(1));

    [SkippableTheory]
    [InlineData("sendonly", "VP8")]
    [InlineData("sendonly", "H264")]
    [InlineData("recvonly", "VP8")]
    [InlineData("recvonly", "H264")]
    public async Task Should_produce_answers_Chromium_accepts(string direction, string videoCodec)
    {
        chromium.SkipIfUnavailable();
        var page = await chromium.Browser.NewPageAsync();
        try
        {
            var offer = await page.EvaluateAsync<string>(
                """
                async (direction) => {
                  window.pc = new RTCPeerConnection();
                  pc.addTransceiver('audio', { direction });
                  pc.addTransceiver('video', { direction });
                  const offer = await pc.createOffer();
                  await pc.setLocalDescription(offer);
                  return offer.sdp;
                }
                """, direction);

            var mode = direction == "sendonly" ? AnswerMode.Receive : AnswerMode.Send;
            var answer = SdpAnswerer.Answer(offer, new SdpAnswerOptions
            {
                Mode = mode,
                IceUfrag = "cs0ufrag",
                IcePwd = "cs-ice-password-abcdefghij0123",
                Fingerprint = Certificate.Fingerprint,
                Candidates = [new IPEndPoint(IPAddress.Loopback, 40000)],
                VideoCodecs = [videoCodec],
                OutgoingSsrcs = new Dictionary<string, uint> { ["audio"] = 1111, ["video"] = 2222 },
            });

            var negotiated = await page.EvaluateAsync<string[]>(
                """
                async (sdp) => {
                  await pc.setRemoteDescription({ type: 'answer', sdp });
                  return pc.getTransceivers().map(t => `${t.mid}:${t.currentDirection}`);
                }
                """, answer.Sdp);

            Assert.Equal(["0:" + direction, "1:" + direction], negotiated);
            Assert.Equal(videoCodec, answer.Media.Single(m => m.Kind == "video").Codec.Name, ignoreCase: true);
            Assert.Equal("opus", answer.Media.Single(m => m.Kind == "audio").Codec.Name, ignoreCase: true);
        }
        finally
        {
            await page.CloseAsync();
        }
    }
}
