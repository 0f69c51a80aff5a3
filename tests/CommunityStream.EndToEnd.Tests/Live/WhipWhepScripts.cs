namespace CommunityStream.EndToEnd.Tests.Live;

/// <summary>
/// Browser-side WHIP and WHEP clients, as a player page on another origin would write them: fetch() with CORS,
/// no trickle (we are ICE-lite, so the browser's checks find us from the answer's candidate).
/// </summary>
internal static class WhipWhepScripts
{
    /// <summary>Goes live with the fake camera and microphone; returns [status, location or problem body].</summary>
    public const string Publish = """
        async ({ url, key, codec }) => {
          const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 480 } });
          window.pc = new RTCPeerConnection();
          pc.addTransceiver(stream.getAudioTracks()[0], { direction: 'sendonly' });
          const video = pc.addTransceiver(stream.getVideoTracks()[0], { direction: 'sendonly' });
          const codecs = RTCRtpSender.getCapabilities('video').codecs;
          const wanted = codecs.filter(c => c.mimeType.toLowerCase() === 'video/' + codec.toLowerCase()
            && (codec !== 'H264' || (c.sdpFmtpLine || '').includes('packetization-mode=1')));
          // Only the wanted codec (and the repair formats): the server would otherwise choose (it prefers H.264 for HLS).
          video.setCodecPreferences([...wanted, ...codecs.filter(c => /video\/(rtx|red|ulpfec|flexfec)/i.test(c.mimeType))]);
          await pc.setLocalDescription(await pc.createOffer());
          const response = await fetch(url, { method: 'POST', body: pc.localDescription.sdp,
            headers: { 'Content-Type': 'application/sdp', 'Authorization': 'Bearer ' + key } });
          const body = await response.text();
          if (response.status !== 201) return [String(response.status), body];
          window.whipSession = new URL(response.headers.get('Location'), url).toString();
          await pc.setRemoteDescription({ type: 'answer', sdp: body });
          return ['201', whipSession];
        }
        """;

    /// <summary>Ends the stream with DELETE on the session (stream key required); returns the status.</summary>
    public const string Unpublish = """
        async (key) => (await fetch(whipSession, { method: 'DELETE', headers: { 'Authorization': 'Bearer ' + key } })).status
        """;

    /// <summary>Watches with a recvonly offer; returns [status, location or problem body]. Records connection states.</summary>
    public const string Watch = """
        async (url) => {
          window.viewer = new RTCPeerConnection();
          window.viewerStates = [];
          viewer.onconnectionstatechange = () => viewerStates.push(viewer.connectionState);
          viewer.addTransceiver('audio', { direction: 'recvonly' });
          viewer.addTransceiver('video', { direction: 'recvonly' });
          await viewer.setLocalDescription(await viewer.createOffer());
          const response = await fetch(url, { method: 'POST', body: viewer.localDescription.sdp,
            headers: { 'Content-Type': 'application/sdp' } });
          const body = await response.text();
          if (response.status !== 201) return [String(response.status), body];
          window.answeredAt = performance.now();
          await viewer.setRemoteDescription({ type: 'answer', sdp: body });
          return ['201', new URL(response.headers.get('Location'), url).toString()];
        }
        """;

    /// <summary>Milliseconds from the WHEP answer to the first decoded video frame (polls getStats; -1 after 15 s).</summary>
    public const string MillisecondsToFirstFrame = """
        async () => {
          while (performance.now() - answeredAt < 15000) {
            let frames = 0;
            (await viewer.getStats()).forEach(r => { if (r.type === 'inbound-rtp' && r.kind === 'video') frames = r.framesDecoded; });
            if (frames > 0) return Math.round(performance.now() - answeredAt);
            await new Promise(resolve => setTimeout(resolve, 20));
          }
          return -1;
        }
        """;

    /// <summary>The viewer's connection state now.</summary>
    public const string ViewerState = "() => viewer.connectionState";
}
