using System.Globalization;
using System.Text;

namespace CommunityStream.WebRtc.Sdp;

/// <summary>Writes one accepted media section of an answer.</summary>
internal static class SdpMediaWriter
{
    public static void Write(StringBuilder sdp, SdpMediaSection section, NegotiatedMedia media, SdpAnswerOptions options)
    {
        var payloadTypes = media.Rtx is null ? $"{media.Codec.PayloadType}" : $"{media.Codec.PayloadType} {media.Rtx.PayloadType}";
        var port = options.Candidates.Count > 0 ? options.Candidates[0].Port : 9;
        Line(sdp, $"m={section.Kind} {port} {section.Protocol} {payloadTypes}");
        Line(sdp, "c=IN IP4 0.0.0.0");
        Line(sdp, $"a=mid:{media.Mid}");
        Line(sdp, $"a=ice-ufrag:{options.IceUfrag}");
        Line(sdp, $"a=ice-pwd:{options.IcePwd}");
        Line(sdp, "a=ice-options:ice2");
        Line(sdp, $"a=fingerprint:{options.Fingerprint}");
        Line(sdp, "a=setup:passive");
        Line(sdp, options.Mode == AnswerMode.Receive ? "a=recvonly" : "a=sendonly");
        Line(sdp, "a=rtcp-mux");
        if (section.RtcpReducedSize)
        {
            Line(sdp, "a=rtcp-rsize");
        }
        foreach (var (uri, id) in media.Extensions.OrderBy(e => e.Value))
        {
            Line(sdp, $"a=extmap:{id} {uri}");
        }
        WriteCodec(sdp, media.Codec);
        if (media.Rtx is not null)
        {
            Line(sdp, $"a=rtpmap:{media.Rtx.PayloadType} rtx/{media.Rtx.ClockRate}");
            Line(sdp, $"a=fmtp:{media.Rtx.PayloadType} apt={media.Codec.PayloadType}");
        }
        if (media.Rid is not null)
        {
            // One simulcast layer accepted until layer selection exists (RFC 8853 §5.3).
            Line(sdp, $"a=rid:{media.Rid} recv");
            Line(sdp, $"a=simulcast:recv {media.Rid}");
        }
        if (media.LocalSsrc is { } ssrc)
        {
            var track = $"{media.Kind}-{media.Mid}";
            Line(sdp, $"a=msid:communitystream {track}");
            Line(sdp, $"a=ssrc:{ssrc.ToString(CultureInfo.InvariantCulture)} cname:{options.Cname}");
            Line(sdp, $"a=ssrc:{ssrc.ToString(CultureInfo.InvariantCulture)} msid:communitystream {track}");
        }
        for (var i = 0; i < options.Candidates.Count; i++)
        {
            var candidate = options.Candidates[i];
            // RFC 8839 §5.1; host type preference 126, component 1.
            var priority = (126L << 24) | ((65535L - i) << 8) | 255;
            Line(sdp, $"a=candidate:{i + 1} 1 udp {priority} {candidate.Address} {candidate.Port} typ host");
        }
        Line(sdp, "a=end-of-candidates");
    }

    private static void WriteCodec(StringBuilder sdp, SdpCodec codec)
    {
        var channels = codec.Channels > 1 ? $"/{codec.Channels}" : "";
        Line(sdp, $"a=rtpmap:{codec.PayloadType} {codec.Name}/{codec.ClockRate}{channels}");
        foreach (var feedback in codec.Feedback)
        {
            Line(sdp, $"a=rtcp-fb:{codec.PayloadType} {feedback}");
        }
        if (codec.Format.Length > 0)
        {
            Line(sdp, $"a=fmtp:{codec.PayloadType} {codec.Format}");
        }
    }

    private static void Line(StringBuilder sdp, string line) => SdpAnswerer.Line(sdp, line);
}
