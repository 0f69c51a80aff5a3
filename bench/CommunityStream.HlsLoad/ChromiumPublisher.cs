using Microsoft.Playwright;

namespace CommunityStream.HlsLoad;

/// <summary>
/// A real H.264 + Opus publisher for the bench: headless Debian Chromium (OpenH264, the fake camera's moving pattern
/// and the fake microphone's beep) goes live over WHIP with the channel's stream key, H.264 forced with
/// setCodecPreferences, and stays live for the given time. The page runs in the Host's origin (its /login page), so
/// the WHIP fetch is same-origin. Pin it away from the server (taskset -c 1): it costs about a third of a core.
/// </summary>
internal static class ChromiumPublisher
{
    private const string GoLive = """
        async ([key, channel]) => {
          const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 480, frameRate: 30 } });
          const pc = new RTCPeerConnection();
          window.publisher = pc;
          pc.addTransceiver(stream.getAudioTracks()[0], { direction: 'sendonly' });
          const video = pc.addTransceiver(stream.getVideoTracks()[0], { direction: 'sendonly' });
          const codecs = RTCRtpSender.getCapabilities('video').codecs;
          const h264 = codecs.filter(c => c.mimeType.toLowerCase() === 'video/h264' && (c.sdpFmtpLine || '').includes('packetization-mode=1'));
          video.setCodecPreferences(h264);
          await pc.setLocalDescription(await pc.createOffer());
          await new Promise(r => { if (pc.iceGatheringState === 'complete') r(); else pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && r()); setTimeout(r, 2000); });
          const response = await fetch('/whip/' + encodeURIComponent(channel), { method: 'POST', headers: { 'Content-Type': 'application/sdp', Authorization: 'Bearer ' + key }, body: pc.localDescription.sdp });
          if (response.status !== 201) return 'WHIP answered ' + response.status + ': ' + await response.text();
          await pc.setRemoteDescription({ type: 'answer', sdp: await response.text() });
          for (let i = 0; i < 100 && pc.connectionState !== 'connected'; i++) await new Promise(r => setTimeout(r, 100));
          return pc.connectionState;
        }
        """;

    private const string Sent = """
        async () => {
          let frames = 0, codec = '';
          (await publisher.getStats()).forEach(r => { if (r.type === 'outbound-rtp' && r.kind === 'video') { frames = r.framesEncoded; codec = r.codecId; } });
          return `${publisher.connectionState}, ${frames} frames encoded`;
        }
        """;

    public static async Task<int> RunAsync(Uri server, string channel, string streamKey, TimeSpan duration, TextWriter log)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                "--allow-loopback-in-peer-connection", "--disable-features=WebRtcHideLocalIpsWithMdns",
            ],
        });
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.ToString(), Permissions = ["camera", "microphone"] });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/login");
        var state = await page.EvaluateAsync<string>(GoLive, new[] { streamKey, channel });
        log.WriteLine($"publisher: {state}");
        if (state != "connected")
        {
            return 1;
        }
        var until = DateTimeOffset.UtcNow + duration;
        while (DateTimeOffset.UtcNow < until)
        {
            await Task.Delay(TimeSpan.FromSeconds(Math.Min(10, Math.Max(0.1, (until - DateTimeOffset.UtcNow).TotalSeconds))));
            log.WriteLine($"publisher: {await page.EvaluateAsync<string>(Sent)}");
        }
        return 0;
    }
}
