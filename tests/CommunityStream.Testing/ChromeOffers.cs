namespace CommunityStream.Testing;

/// <summary>Offers shaped like the ones Chromium 15x produces for WHIP (sendonly) and WHEP (recvonly).</summary>
public static class ChromeOffers
{
    private const string Header = """
        v=0
        o=- 4611731400430051336 2 IN IP4 127.0.0.1
        s=-
        t=0 0
        a=group:BUNDLE 0 1
        a=extmap-allow-mixed
        a=msid-semantic: WMS 6f5d1a3e
        """;

    private const string Audio = """
        m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126
        c=IN IP4 0.0.0.0
        a=rtcp:9 IN IP4 0.0.0.0
        a=ice-ufrag:Xk3v
        a=ice-pwd:7Zr0bQ2cP5tN9mV4hL8sD1fG
        a=ice-options:trickle
        a=fingerprint:sha-256 9B:1F:6A:6E:F0:3C:10:7E:2D:2F:AA:C4:05:11:96:3B:8A:1D:0E:57:42:72:3E:25:E9:7F:6E:4C:88:AD:12:34
        a=setup:actpass
        a=mid:0
        a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level
        a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
        a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
        a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
        a={DIRECTION}
        a=msid:6f5d1a3e 0c3a9f1b
        a=rtcp-mux
        a=rtcp-rsize
        a=rtpmap:111 opus/48000/2
        a=rtcp-fb:111 transport-cc
        a=fmtp:111 minptime=10;useinbandfec=1
        a=rtpmap:63 red/48000/2
        a=fmtp:63 111/111
        a=rtpmap:9 G722/8000
        a=rtpmap:0 PCMU/8000
        a=rtpmap:8 PCMA/8000
        a=rtpmap:13 CN/8000
        a=rtpmap:110 telephone-event/48000
        a=rtpmap:126 telephone-event/8000
        a=ssrc:1001 cname:zW0aS1pXb6
        a=ssrc:1001 msid:6f5d1a3e 0c3a9f1b
        """;

    private const string Video = """
        m=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103 106 107 98 99
        c=IN IP4 0.0.0.0
        a=rtcp:9 IN IP4 0.0.0.0
        a=ice-ufrag:Xk3v
        a=ice-pwd:7Zr0bQ2cP5tN9mV4hL8sD1fG
        a=ice-options:trickle
        a=fingerprint:sha-256 9B:1F:6A:6E:F0:3C:10:7E:2D:2F:AA:C4:05:11:96:3B:8A:1D:0E:57:42:72:3E:25:E9:7F:6E:4C:88:AD:12:34
        a=setup:actpass
        a=mid:1
        a=extmap:14 urn:ietf:params:rtp-hdrext:toffset
        a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
        a=extmap:13 urn:3gpp:video-orientation
        a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
        a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
        a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id
        a=extmap:11 urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id
        a={DIRECTION}
        a=msid:6f5d1a3e 5b8e2c7d
        a=rtcp-mux
        a=rtcp-rsize
        a=rtpmap:96 VP8/90000
        a=rtcp-fb:96 goog-remb
        a=rtcp-fb:96 transport-cc
        a=rtcp-fb:96 ccm fir
        a=rtcp-fb:96 nack
        a=rtcp-fb:96 nack pli
        a=rtpmap:97 rtx/90000
        a=fmtp:97 apt=96
        a=rtpmap:102 H264/90000
        a=rtcp-fb:102 goog-remb
        a=rtcp-fb:102 transport-cc
        a=rtcp-fb:102 ccm fir
        a=rtcp-fb:102 nack
        a=rtcp-fb:102 nack pli
        a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42001f
        a=rtpmap:103 rtx/90000
        a=fmtp:103 apt=102
        a=rtpmap:106 H264/90000
        a=rtcp-fb:106 goog-remb
        a=rtcp-fb:106 transport-cc
        a=rtcp-fb:106 ccm fir
        a=rtcp-fb:106 nack
        a=rtcp-fb:106 nack pli
        a=fmtp:106 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f
        a=rtpmap:107 rtx/90000
        a=fmtp:107 apt=106
        a=rtpmap:98 VP9/90000
        a=rtcp-fb:98 goog-remb
        a=rtcp-fb:98 transport-cc
        a=rtcp-fb:98 nack
        a=fmtp:98 profile-id=0
        a=rtpmap:99 rtx/90000
        a=fmtp:99 apt=98
        a=ssrc-group:FID 2001 2002
        a=ssrc:2001 cname:zW0aS1pXb6
        a=ssrc:2002 cname:zW0aS1pXb6
        """;

    /// <summary>A publisher's offer (WHIP): sendonly audio and video.</summary>
    public static string Publish => Build("sendonly");

    /// <summary>A viewer's offer (WHEP): recvonly audio and video.</summary>
    public static string Watch => Build("recvonly");

    /// <summary>A publisher offering three simulcast layers.</summary>
    public static string PublishSimulcast => Publish
        .Replace("a=ssrc-group:FID 2001 2002\r\na=ssrc:2001 cname:zW0aS1pXb6\r\na=ssrc:2002 cname:zW0aS1pXb6\r\n",
            "a=rid:h send\r\na=rid:m send\r\na=rid:l send\r\na=simulcast:send h;m;l\r\n", StringComparison.Ordinal);

    private static string Build(string direction) =>
        string.Join("\r\n", $"{Header}\n{Audio}\n{Video}".Split('\n').Select(l => l.TrimEnd('\r'))).Replace("{DIRECTION}", direction, StringComparison.Ordinal) + "\r\n";
}
