using System.Globalization;
using System.Net;
using System.Text;
using CommunityStream.WebRtc.Dtls;

namespace CommunityStream.MediaLoad;

/// <summary>The SSRCs a synthetic publisher announces (RFC 5576 <c>a=ssrc</c>), one per kind.</summary>
internal sealed record PublisherSsrcs(uint Audio, uint Video);

/// <summary>
/// Offers shaped like a browser's (JSEP): BUNDLE of an Opus audio and a video section, rtcp-mux, one ICE ufrag and
/// DTLS fingerprint for both, <c>a=setup:actpass</c> (the server answers passive, so we are the DTLS client).
/// A publisher's offer is <c>sendonly</c> with its SSRCs; a viewer's is <c>recvonly</c>.
/// </summary>
internal static class OfferBuilder
{
    public const byte OpusPayloadType = 111;
    public const byte Vp8PayloadType = 96;
    public const byte H264PayloadType = 102;

    /// <summary>Header extension id for <c>urn:ietf:params:rtp-hdrext:sdes:mid</c> (Chromium uses 4 too).</summary>
    public const int MidExtensionId = 4;

    public const string MidExtensionUri = "urn:ietf:params:rtp-hdrext:sdes:mid";

    public const string AudioMid = "0";
    public const string VideoMid = "1";

    /// <summary>A WHIP offer: sends Opus and VP8 with the given SSRCs.</summary>
    public static string Publisher(string ufrag, string pwd, DtlsFingerprint fingerprint, PublisherSsrcs ssrcs, IPEndPoint? hostCandidate = null) =>
        Build(ufrag, pwd, fingerprint, "sendonly", ssrcs, hostCandidate, videoFormats: [Vp8PayloadType]);

    /// <summary>A WHEP offer: receives Opus and VP8 or H264 (the server picks what its publisher sends).</summary>
    public static string Viewer(string ufrag, string pwd, DtlsFingerprint fingerprint, IPEndPoint? hostCandidate = null) =>
        Build(ufrag, pwd, fingerprint, "recvonly", ssrcs: null, hostCandidate, videoFormats: [Vp8PayloadType, H264PayloadType]);

    private static string Build(string ufrag, string pwd, DtlsFingerprint fingerprint, string direction, PublisherSsrcs? ssrcs, IPEndPoint? hostCandidate, byte[] videoFormats)
    {
        var sdp = new StringBuilder();
        Line(sdp, "v=0");
        Line(sdp, $"o=- {Random.Shared.NextInt64(1, long.MaxValue)} 2 IN IP4 127.0.0.1");
        Line(sdp, "s=-");
        Line(sdp, "t=0 0");
        Line(sdp, $"a=group:BUNDLE {AudioMid} {VideoMid}");
        Line(sdp, "a=msid-semantic: WMS mediaload");

        Section(sdp, "audio", AudioMid, [OpusPayloadType], ufrag, pwd, fingerprint, direction, hostCandidate);
        Line(sdp, $"a=rtpmap:{OpusPayloadType} opus/48000/2");
        Line(sdp, $"a=rtcp-fb:{OpusPayloadType} transport-cc");
        Line(sdp, $"a=fmtp:{OpusPayloadType} minptime=10;useinbandfec=1");
        if (ssrcs is not null)
        {
            Ssrc(sdp, ssrcs.Audio, "audio");
        }

        Section(sdp, "video", VideoMid, videoFormats, ufrag, pwd, fingerprint, direction, hostCandidate);
        foreach (var format in videoFormats)
        {
            Line(sdp, format == H264PayloadType ? $"a=rtpmap:{format} H264/90000" : $"a=rtpmap:{format} VP8/90000");
            foreach (var feedback in (string[])["goog-remb", "ccm fir", "nack", "nack pli"])
            {
                Line(sdp, $"a=rtcp-fb:{format} {feedback}");
            }
            if (format == H264PayloadType)
            {
                Line(sdp, $"a=fmtp:{format} level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f");
            }
        }
        if (ssrcs is not null)
        {
            Ssrc(sdp, ssrcs.Video, "video");
        }
        return sdp.ToString();
    }

    private static void Section(StringBuilder sdp, string kind, string mid, byte[] formats, string ufrag, string pwd, DtlsFingerprint fingerprint, string direction, IPEndPoint? hostCandidate)
    {
        Line(sdp, $"m={kind} 9 UDP/TLS/RTP/SAVPF {string.Join(' ', formats)}");
        Line(sdp, "c=IN IP4 0.0.0.0");
        Line(sdp, "a=rtcp:9 IN IP4 0.0.0.0");
        Line(sdp, $"a=ice-ufrag:{ufrag}");
        Line(sdp, $"a=ice-pwd:{pwd}");
        Line(sdp, "a=ice-options:trickle");
        Line(sdp, $"a=fingerprint:{fingerprint}");
        Line(sdp, "a=setup:actpass");
        Line(sdp, $"a=mid:{mid}");
        Line(sdp, $"a=extmap:{MidExtensionId} {MidExtensionUri}");
        Line(sdp, $"a={direction}");
        if (direction == "sendonly")
        {
            Line(sdp, $"a=msid:mediaload {kind}-track");
        }
        Line(sdp, "a=rtcp-mux");
        Line(sdp, "a=rtcp-rsize");
        if (hostCandidate is not null)
        {
            // RFC 8839 §5.1: host type preference 126, component 1.
            Line(sdp, $"a=candidate:1 1 udp {(126L << 24) | (65535L << 8) | 255} {hostCandidate.Address} {hostCandidate.Port} typ host");
        }
    }

    private static void Ssrc(StringBuilder sdp, uint ssrc, string kind)
    {
        var value = ssrc.ToString(CultureInfo.InvariantCulture);
        Line(sdp, $"a=ssrc:{value} cname:mediaload");
        Line(sdp, $"a=ssrc:{value} msid:mediaload {kind}-track");
    }

    private static void Line(StringBuilder sdp, string line) => sdp.Append(line).Append("\r\n");
}
