using System.Globalization;
using System.Text;
using CommunityStream.WebRtc.Dtls;

namespace CommunityStream.WebRtc.Sdp;

/// <summary>
/// Builds a server's answer to a browser's or OBS's offer, for the two cases of a media server: receive audio and
/// video (a WHIP publisher) and send them (a WHEP viewer). ICE-lite, BUNDLE, rtcp-mux and <c>setup:passive</c> (we are the DTLS server).
/// An offer we cannot serve fails with <see cref="SdpParseException"/> saying which line and why.
/// </summary>
public static class SdpAnswerer
{
    private static readonly string[] SupportedFeedback = ["nack", "nack pli", "ccm fir", "goog-remb", "transport-cc"];

    private const string TransportWideExtension = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";

    private static readonly HashSet<string> SupportedExtensions =
    [
        "urn:ietf:params:rtp-hdrext:sdes:mid",
        "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
        "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
        "urn:ietf:params:rtp-hdrext:ssrc-audio-level",
        "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id",
        "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id",
    ];

    /// <summary>Parses <paramref name="offerText"/> and answers it; throws <see cref="SdpParseException"/> for an offer we cannot serve.</summary>
    public static SdpAnswer Answer(string offerText, SdpAnswerOptions options) => Answer(SdpParser.Parse(offerText), options);

    /// <summary>
    /// Answers a parsed offer: each audio/video section in the wanted direction gets the first codec of our preference
    /// the offer has (the offerer's order breaks ties), its RTX, the supported feedback and header extensions; other
    /// sections are rejected with port 0. Throws <see cref="SdpParseException"/> when no section is usable or ICE,
    /// DTLS or BUNDLE attributes are missing or inconsistent.
    /// </summary>
    public static SdpAnswer Answer(SdpSessionDescription offer, SdpAnswerOptions options)
    {
        var accepted = new List<(SdpMediaSection Section, NegotiatedMedia? Media)>();
        foreach (var section in offer.Media)
        {
            accepted.Add((section, Negotiate(offer, section, options)));
        }
        var used = accepted.Where(a => a.Media is not null).ToList();
        if (used.Count == 0)
        {
            throw new SdpParseException(0, $"no audio or video section with a supported codec (we accept {string.Join(", ", options.AudioCodecs.Concat(options.VideoCodecs))})");
        }

        var first = used[0].Section;
        var ufrag = offer.UfragOf(first) ?? throw Missing(first, "a=ice-ufrag");
        var pwd = offer.PwdOf(first) ?? throw Missing(first, "a=ice-pwd");
        var fingerprintText = offer.FingerprintOf(first) ?? throw Missing(first, "a=fingerprint");
        var fingerprint = DtlsFingerprint.Parse(fingerprintText);
        if (fingerprint is null || fingerprint.Algorithm != "sha-256")
        {
            throw new SdpParseException(first.LineNumber, $"a=fingerprint '{fingerprintText}' is not a sha-256 fingerprint");
        }
        foreach (var (section, _) in used)
        {
            if (!offer.Bundle.Contains(section.Mid!))
            {
                throw new SdpParseException(section.LineNumber, $"section '{section.Mid}' is not in a=group:BUNDLE (BUNDLE is required)");
            }
            if (offer.UfragOf(section) != ufrag)
            {
                throw new SdpParseException(section.LineNumber, "bundled sections must share one ICE ufrag");
            }
        }

        var text = Write(accepted, options);
        return new SdpAnswer(text, used.Select(u => u.Media!).ToList(), ufrag, pwd, fingerprint);
    }

    // ICE credentials (RFC 8839 §5.4), the certificate fingerprint and the DTLS role (RFC 8842 §5) are mandatory; one
    // absent at both levels is refused in the same words whichever it is, naming it (WHIP/WHEP answer 400 with this).
    private static SdpParseException Missing(SdpMediaSection section, string attribute) =>
        new(0, $"the offer has no {attribute} (neither at session level nor in media section '{section.Mid}')");

    private static NegotiatedMedia? Negotiate(SdpSessionDescription offer, SdpMediaSection section, SdpAnswerOptions options)
    {
        if (section.Kind is not ("audio" or "video") || section.Port == 0)
        {
            return null;
        }
        if (section.Mid is null)
        {
            throw new SdpParseException(section.LineNumber, "media section without a=mid");
        }
        if (!section.Protocol.EndsWith("SAVPF", StringComparison.Ordinal))
        {
            throw new SdpParseException(section.LineNumber, $"protocol '{section.Protocol}' is not UDP/TLS/RTP/SAVPF");
        }
        if (!section.RtcpMux)
        {
            throw new SdpParseException(section.LineNumber, "a=rtcp-mux is required");
        }
        var setup = offer.SetupOf(section) ?? throw Missing(section, "a=setup");
        if (setup is not ("actpass" or "active"))
        {
            throw new SdpParseException(section.LineNumber, $"a=setup:{setup} — the server is the DTLS server (passive), so the offer must be actpass or active");
        }
        var wanted = options.Mode == AnswerMode.Receive ? SdpDirection.SendOnly : SdpDirection.RecvOnly;
        if (section.Direction != wanted && section.Direction != SdpDirection.SendRecv)
        {
            return null;
        }

        var codec = ChooseCodec(section, section.Kind == "audio" ? options.AudioCodecs : options.VideoCodecs);
        if (codec is null)
        {
            return null;
        }
        var rtx = section.Codecs.FirstOrDefault(c =>
            c.Name.Equals("rtx", StringComparison.OrdinalIgnoreCase) && c.Parameter("apt") == codec.PayloadType.ToString(CultureInfo.InvariantCulture));
        return new NegotiatedMedia
        {
            Mid = section.Mid,
            Kind = section.Kind,
            Codec = codec with { Feedback = codec.Feedback.Where(f => SupportedFeedback.Contains(f) && (options.TransportWideCongestionControl || f != "transport-cc")).Distinct().ToList() },
            Rtx = rtx,
            Extensions = section.Extensions
                .Where(e => SupportedExtensions.Contains(e.Value) && (options.TransportWideCongestionControl || e.Value != TransportWideExtension))
                // One URI under two ids (RFC 8285 §5 asks for unique ids, not unique URIs): answer with the lowest.
                .GroupBy(e => e.Value, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Min(e => e.Key), StringComparer.Ordinal),
            RemoteSsrcs = section.Ssrcs,
            Rid = section.SendRids.Count > 0 && options.Mode == AnswerMode.Receive ? section.SendRids[0] : null,
            LocalSsrc = options.Mode == AnswerMode.Send && options.OutgoingSsrcs.TryGetValue(section.Kind, out var ssrc) ? ssrc : null,
        };
    }

    private static SdpCodec? ChooseCodec(SdpMediaSection section, IReadOnlyList<string> preference)
    {
        foreach (var name in preference)
        {
            // The offerer's order wins among codecs we accept equally; our preference breaks ties across names.
            var candidate = section.Codecs.FirstOrDefault(c => c.Name.Equals(name, StringComparison.OrdinalIgnoreCase) && IsUsable(c));
            if (candidate is not null)
            {
                return candidate;
            }
        }
        return null;
    }

    private static bool IsUsable(SdpCodec codec) => codec.Name.ToUpperInvariant() switch
    {
        "OPUS" => codec.ClockRate == 48000 && codec.Channels == 2,
        // RFC 6184: browsers send FU-A fragments only with packetization-mode=1.
        "H264" => codec.Parameter("packetization-mode") == "1",
        "VP9" => codec.Parameter("profile-id") is null or "0",
        _ => codec.ClockRate == 90000,
    };

    private static string Write(List<(SdpMediaSection Section, NegotiatedMedia? Media)> sections, SdpAnswerOptions options)
    {
        var sdp = new StringBuilder();
        var sessionId = Random.Shared.NextInt64(1, long.MaxValue);
        Line(sdp, "v=0");
        Line(sdp, $"o=- {sessionId} 2 IN IP4 127.0.0.1");
        Line(sdp, "s=-");
        Line(sdp, "t=0 0");
        Line(sdp, "a=ice-lite");
        Line(sdp, $"a=group:BUNDLE {string.Join(' ', sections.Where(s => s.Media is not null).Select(s => s.Media!.Mid))}");
        if (options.Mode == AnswerMode.Send)
        {
            Line(sdp, "a=msid-semantic: WMS communitystream");
        }
        foreach (var (section, media) in sections)
        {
            if (media is null)
            {
                // JSEP §5.3.1: a rejected section keeps its place with port 0.
                Line(sdp, $"m={section.Kind} 0 {section.Protocol} {string.Join(' ', section.Formats)}");
                Line(sdp, "c=IN IP4 0.0.0.0");
                if (section.Mid is not null)
                {
                    Line(sdp, $"a=mid:{section.Mid}");
                }
                Line(sdp, "a=inactive");
                continue;
            }
            SdpMediaWriter.Write(sdp, section, media, options);
        }
        return sdp.ToString();
    }

    internal static void Line(StringBuilder sdp, string line) => sdp.Append(line).Append("\r\n");
}
