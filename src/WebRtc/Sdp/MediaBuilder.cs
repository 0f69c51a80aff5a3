using System.Globalization;

namespace CommunityStream.WebRtc.Sdp;

/// <summary>Accumulates one <c>m=</c> section's lines while parsing.</summary>
internal sealed class MediaBuilder
{
    private readonly Dictionary<int, SdpCodec> _codecs = [];
    private readonly Dictionary<int, string> _formats = [];
    private readonly Dictionary<int, List<string>> _feedback = [];
    private readonly Dictionary<int, string> _extensions = [];
    private readonly List<string> _rids = [];
    private readonly List<uint> _ssrcs = [];
    private readonly List<(uint, uint)> _rtxGroups = [];
    private readonly List<string> _candidates = [];
    private readonly List<string> _wildcardFeedback = [];
    private SdpMediaSection _section = null!;

    public static MediaBuilder FromLine(int line, string value)
    {
        // m=<media> <port> <proto> <fmt> ...
        var parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 4)
        {
            throw new SdpParseException(line, "m= needs '<media> <port> <proto> <fmt>...'");
        }
        var port = SdpParser.ParseInt(line, parts[1].Split('/')[0], "port");
        return new MediaBuilder
        {
            _section = new SdpMediaSection
            {
                LineNumber = line,
                Kind = parts[0],
                Port = port,
                Protocol = parts[2],
                Formats = parts[3..],
            },
        };
    }

    public void Attribute(int line, string attribute)
    {
        var (name, value) = SdpParser.SplitAttribute(attribute);
        switch (name)
        {
            case "mid": _section = _section with { Mid = SdpParser.Required(line, name, value) }; break;
            case "sendrecv": _section = _section with { Direction = SdpDirection.SendRecv }; break;
            case "sendonly": _section = _section with { Direction = SdpDirection.SendOnly }; break;
            case "recvonly": _section = _section with { Direction = SdpDirection.RecvOnly }; break;
            case "inactive": _section = _section with { Direction = SdpDirection.Inactive }; break;
            case "rtcp-mux": _section = _section with { RtcpMux = true }; break;
            case "rtcp-rsize": _section = _section with { RtcpReducedSize = true }; break;
            case "ice-ufrag": _section = _section with { IceUfrag = SdpParser.Required(line, name, value) }; break;
            case "ice-pwd": _section = _section with { IcePwd = SdpParser.Required(line, name, value) }; break;
            case "fingerprint": _section = _section with { Fingerprint = SdpParser.Required(line, name, value) }; break;
            case "setup": _section = _section with { Setup = SdpParser.Required(line, name, value) }; break;
            case "msid": _section = _section with { Msid = value }; break;
            case "rtpmap": Rtpmap(line, SdpParser.Required(line, name, value)); break;
            case "fmtp": Fmtp(line, SdpParser.Required(line, name, value)); break;
            case "rtcp-fb": RtcpFeedback(line, SdpParser.Required(line, name, value)); break;
            case "extmap": Extmap(line, SdpParser.Required(line, name, value)); break;
            case "rid": Rid(SdpParser.Required(line, name, value)); break;
            case "ssrc": Ssrc(line, SdpParser.Required(line, name, value)); break;
            case "ssrc-group": SsrcGroup(line, SdpParser.Required(line, name, value)); break;
            case "candidate": _candidates.Add(SdpParser.Required(line, name, value)); break;
        }
    }

    public SdpMediaSection Build()
    {
        var codecs = _codecs.Values
            .Select(c => c with
            {
                Format = _formats.GetValueOrDefault(c.PayloadType, ""),
                Feedback = [.. _feedback.GetValueOrDefault(c.PayloadType, []), .. _wildcardFeedback],
            })
            .OrderBy(c => IndexOfFormat(c.PayloadType))
            .ToList();
        return _section with
        {
            Codecs = codecs,
            Extensions = _extensions,
            SendRids = _rids,
            Ssrcs = _ssrcs,
            RtxGroups = _rtxGroups,
            Candidates = _candidates,
        };
    }

    private int IndexOfFormat(int payloadType)
    {
        var index = _section.Formats.ToList().IndexOf(payloadType.ToString(CultureInfo.InvariantCulture));
        return index < 0 ? int.MaxValue : index;
    }

    // a=rtpmap:<pt> <name>/<clock>[/<channels>]
    private void Rtpmap(int line, string value)
    {
        var (payloadType, rest) = PayloadTypeAndRest(line, value, "rtpmap");
        var parts = rest.Split('/');
        if (parts.Length < 2)
        {
            throw new SdpParseException(line, "a=rtpmap needs '<pt> <encoding>/<clock rate>'");
        }
        var channels = parts.Length > 2 ? SdpParser.ParseInt(line, parts[2], "channel count") : 1;
        _codecs[payloadType] = new SdpCodec(payloadType, parts[0], SdpParser.ParseInt(line, parts[1], "clock rate"), channels);
    }

    private void Fmtp(int line, string value)
    {
        var (payloadType, rest) = PayloadTypeAndRest(line, value, "fmtp");
        _formats[payloadType] = rest;
    }

    private void RtcpFeedback(int line, string value)
    {
        var space = value.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0)
        {
            throw new SdpParseException(line, "a=rtcp-fb needs '<pt> <feedback>'");
        }
        if (value[..space] == "*")
        {
            _wildcardFeedback.Add(value[(space + 1)..].Trim());
            return;
        }
        var (payloadType, rest) = PayloadTypeAndRest(line, value, "rtcp-fb");
        if (!_feedback.TryGetValue(payloadType, out var list))
        {
            _feedback[payloadType] = list = [];
        }
        list.Add(rest);
    }

    // a=extmap:<id>[/<direction>] <uri> [<attributes>]
    private void Extmap(int line, string value)
    {
        var parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2)
        {
            throw new SdpParseException(line, "a=extmap needs '<id> <uri>'");
        }
        var id = SdpParser.ParseInt(line, parts[0].Split('/')[0], "extension id");
        if (id is < 1 or > 255)
        {
            throw new SdpParseException(line, $"extension id {id} is outside 1-255 (RFC 8285)");
        }
        _extensions[id] = parts[1];
    }

    // a=rid:<id> send|recv [restrictions]
    private void Rid(string value)
    {
        var parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length >= 2 && parts[1] == "send")
        {
            _rids.Add(parts[0]);
        }
    }

    // a=ssrc:<ssrc> <attribute>[:<value>]
    private void Ssrc(int line, string value)
    {
        var ssrc = ParseSsrc(line, value.Split(' ')[0]);
        if (!_ssrcs.Contains(ssrc))
        {
            _ssrcs.Add(ssrc);
        }
    }

    private void SsrcGroup(int line, string value)
    {
        var parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts[0] == "FID" && parts.Length == 3)
        {
            _rtxGroups.Add((ParseSsrc(line, parts[1]), ParseSsrc(line, parts[2])));
        }
    }

    private static uint ParseSsrc(int line, string text) =>
        uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ssrc)
            ? ssrc
            : throw new SdpParseException(line, $"SSRC '{text}' is not a 32-bit number");

    private static (int PayloadType, string Value) PayloadTypeAndRest(int line, string value, string attribute)
    {
        var space = value.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0)
        {
            throw new SdpParseException(line, $"a={attribute} needs '<payload type> <value>'");
        }
        var payloadType = SdpParser.ParseInt(line, value[..space], "payload type");
        if (payloadType > 127)
        {
            throw new SdpParseException(line, $"payload type {payloadType} is above 127");
        }
        return (payloadType, value[(space + 1)..].Trim());
    }
}
