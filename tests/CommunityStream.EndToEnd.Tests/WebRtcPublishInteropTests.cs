using System.Collections.Concurrent;
using CommunityStream.EndToEnd.Tests.Support;
using CommunityStream.WebRtc.Dtls;
using CommunityStream.WebRtc.Rtp;
using CommunityStream.WebRtc.Sdp;
using CommunityStream.WebRtc.Srtp;

namespace CommunityStream.EndToEnd.Tests;

/// <summary>
/// Chromium publishes its fake camera and microphone to our transport: ICE-lite, DTLS-SRTP and SRTP decryption
/// must all interoperate for valid RTP to be counted per SSRC.
/// </summary>
[Collection(ChromiumTests.Name)]
public sealed class WebRtcPublishInteropTests(ChromiumFixture chromium)
{
    [SkippableTheory]
    [InlineData("VP8", SrtpProfile.AeadAes128Gcm)]
    [InlineData("H264", SrtpProfile.AeadAes128Gcm)]
    [InlineData("VP8", SrtpProfile.Aes128CmHmacSha1Tag80)]
    [InlineData("H264", SrtpProfile.Aes128CmHmacSha1Tag80)]
    public async Task Should_receive_and_decrypt_Chromium_audio_and_video(string videoCodec, SrtpProfile profile)
    {
        chromium.SkipIfUnavailable();
        var page = await chromium.NewPageAsync();
        try
        {
            using var server = new LoopbackMediaServer(profile);
            var (transport, answer) = server.Negotiate(await page.EvaluateAsync<string>(PublisherScript.CreateOffer, videoCodec), AnswerMode.Receive, videoCodec);
            using var disposeTransport = transport;
            var perSsrc = new ConcurrentDictionary<uint, int>();
            var payloadTypes = new ConcurrentDictionary<byte, bool>();
            transport.RtpReceived = (_, packet) =>
            {
                if (RtpHeader.TryRead(packet, out var header))
                {
                    perSsrc.AddOrUpdate(header.Ssrc, 1, (_, n) => n + 1);
                    payloadTypes[header.PayloadType] = true;
                }
            };

            await page.EvaluateAsync(PublisherScript.Accept, answer.Sdp);
            SrtpKeyingMaterial keys;
            try
            {
                keys = await transport.Connected.WaitAsync(TimeSpan.FromSeconds(40));
            }
            catch (Exception ex)
            {
                var state = await page.EvaluateAsync<string>("() => `ice=${pc.iceConnectionState} conn=${pc.connectionState} dtls=${pc.getTransceivers()[0].sender.transport?.state}`");
                throw new InvalidOperationException($"Not connected ({ex.GetType().Name}: {ex.Message}); browser {state}; selected {transport.SelectedRemote}; endpoint dropped {server.Endpoint.Dropped}; rejected {transport.PacketsRejected}; dtls in {transport.DtlsReceived} out {transport.DtlsSent}", ex);
            }

            var audio = answer.Media.Single(m => m.Kind == "audio");
            var video = answer.Media.Single(m => m.Kind == "video");
            await WaitUntil(() => perSsrc.GetValueOrDefault(audio.RemoteSsrcs[0]) >= 50 && perSsrc.GetValueOrDefault(video.RemoteSsrcs[0]) >= 50,
                TimeSpan.FromSeconds(20), () => $"50 audio and 50 video packets; got {string.Join(", ", perSsrc.Select(p => $"{p.Key}:{p.Value}"))}");

            Assert.True(payloadTypes.ContainsKey((byte)audio.Codec.PayloadType));
            Assert.True(payloadTypes.ContainsKey((byte)video.Codec.PayloadType));
            // Every SRTP packet that arrived with keys in place authenticated and decrypted.
            Assert.Equal(0, transport.PacketsRejected);
            Assert.NotNull(transport.SelectedRemote);
            Assert.Equal(profile, keys.Profile);
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    private static async Task WaitUntil(Func<bool> condition, TimeSpan timeout, Func<string> what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {what()}");
            }
            await Task.Delay(100);
        }
    }
}
