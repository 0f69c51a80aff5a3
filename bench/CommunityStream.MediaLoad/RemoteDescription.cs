using System.Globalization;
using System.Net;
using CommunityStream.WebRtc.Dtls;
using CommunityStream.WebRtc.Sdp;

namespace CommunityStream.MediaLoad;

/// <summary>One accepted media section of the server's answer: its mid, payload type and the server's SSRCs.</summary>
internal sealed record RemoteMedia(string Kind, string Mid, byte PayloadType, string Codec, IReadOnlyList<uint> Ssrcs);

/// <summary>
/// What a client needs from the server's SDP answer: where to send checks (the first UDP host candidate), the ICE
/// credentials to sign them with, the DTLS fingerprint to expect, and per kind the payload type and SSRCs.
/// </summary>
internal sealed record RemoteDescription(IPEndPoint Candidate, string IceUfrag, string IcePwd, DtlsFingerprint Fingerprint, IReadOnlyList<RemoteMedia> Media)
{
    public RemoteMedia? Audio => Media.FirstOrDefault(m => m.Kind == "audio");

    public RemoteMedia? Video => Media.FirstOrDefault(m => m.Kind == "video");

    /// <summary>Parses an answer; <see cref="FormatException"/> says what is missing.</summary>
    public static RemoteDescription Parse(string answer)
    {
        SdpSessionDescription sdp;
        try
        {
            sdp = SdpParser.Parse(answer);
        }
        catch (SdpParseException e)
        {
            throw new FormatException($"unparseable answer: {e.Message}", e);
        }
        var active = sdp.Media.Where(m => m.Port != 0 && m.Kind is "audio" or "video").ToList();
        if (active.Count == 0)
        {
            throw new FormatException("the answer accepted no audio or video section");
        }
        var first = active[0];
        var ufrag = sdp.UfragOf(first) ?? throw new FormatException("the answer has no a=ice-ufrag");
        var pwd = sdp.PwdOf(first) ?? throw new FormatException("the answer has no a=ice-pwd");
        var fingerprintText = sdp.FingerprintOf(first) ?? throw new FormatException("the answer has no a=fingerprint");
        var fingerprint = DtlsFingerprint.Parse(fingerprintText) ?? throw new FormatException($"bad a=fingerprint '{fingerprintText}'");
        var candidate = active.SelectMany(m => m.Candidates).Select(ParseCandidate).FirstOrDefault(c => c is not null)
            ?? throw new FormatException("the answer has no UDP host candidate");
        var media = active.Select(m => new RemoteMedia(
            m.Kind,
            m.Mid ?? throw new FormatException($"a {m.Kind} section without a=mid"),
            (byte)int.Parse(m.Formats[0], CultureInfo.InvariantCulture),
            m.Codecs.Count > 0 ? m.Codecs[0].Name : "",
            m.Ssrcs)).ToList();
        return new RemoteDescription(candidate, ufrag, pwd, fingerprint, media);
    }

    // a=candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type> ... (RFC 8839 §5.1)
    internal static IPEndPoint? ParseCandidate(string value)
    {
        var parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 8 || !parts[2].Equals("udp", StringComparison.OrdinalIgnoreCase) || parts[1] != "1"
            || !IPAddress.TryParse(parts[4], out var address)
            || !int.TryParse(parts[5], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is 0 or > 65535)
        {
            return null;
        }
        return new IPEndPoint(address, port);
    }
}
