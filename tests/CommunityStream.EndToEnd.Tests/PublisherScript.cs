namespace CommunityStream.EndToEnd.Tests;

/// <summary>Page scripts for a publishing RTCPeerConnection with the fake camera and microphone.</summary>
internal static class PublisherScript
{
    /// <summary>Creates a sendonly offer preferring <c>codec</c> for video; returns the SDP.</summary>
    public const string CreateOffer = """
        async (codec) => {
          const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 480 } });
          window.pc = new RTCPeerConnection();
          pc.addTransceiver(stream.getAudioTracks()[0], { direction: 'sendonly' });
          const video = pc.addTransceiver(stream.getVideoTracks()[0], { direction: 'sendonly' });
          const codecs = RTCRtpSender.getCapabilities('video').codecs;
          const wanted = codecs.filter(c => c.mimeType.toLowerCase() === 'video/' + codec.toLowerCase()
            && (codec !== 'H264' || (c.sdpFmtpLine || '').includes('packetization-mode=1')));
          video.setCodecPreferences([...wanted, ...codecs.filter(c => !wanted.includes(c))]);
          const offer = await pc.createOffer();
          await pc.setLocalDescription(offer);
          return offer.sdp;
        }
        """;

    /// <summary>Applies the server's answer.</summary>
    public const string Accept = """
        async (sdp) => { await pc.setRemoteDescription({ type: 'answer', sdp }); }
        """;
}

/// <summary>Page scripts for a watching RTCPeerConnection in the same page.</summary>
internal static class ViewerScript
{
    /// <summary>Creates a recvonly audio+video offer; returns the SDP.</summary>
    public const string CreateOffer = """
        async () => {
          window.viewer = new RTCPeerConnection();
          viewer.addTransceiver('audio', { direction: 'recvonly' });
          viewer.addTransceiver('video', { direction: 'recvonly' });
          const offer = await viewer.createOffer();
          await viewer.setLocalDescription(offer);
          return offer.sdp;
        }
        """;

    public const string Accept = """
        async (sdp) => { await viewer.setRemoteDescription({ type: 'answer', sdp }); }
        """;

    /// <summary>[video framesDecoded, audio packetsReceived, video frameWidth] from getStats.</summary>
    public const string Stats = """
        async () => {
          const stats = await viewer.getStats();
          let video = null, audio = null;
          stats.forEach(r => {
            if (r.type === 'inbound-rtp' && r.kind === 'video') video = r;
            if (r.type === 'inbound-rtp' && r.kind === 'audio') audio = r;
          });
          return [video?.framesDecoded ?? 0, audio?.packetsReceived ?? 0, video?.frameWidth ?? 0];
        }
        """;

    /// <summary>RTCP sender reports the viewer received, summed over its tracks (remote-outbound-rtp reportsSent).</summary>
    public const string SenderReports = """
        async () => {
          const stats = await viewer.getStats();
          let reports = 0;
          stats.forEach(r => { if (r.type === 'remote-outbound-rtp') reports += r.reportsSent ?? 0; });
          return reports;
        }
        """;
}
