using System.Globalization;

namespace CommunityStream.WebRtc.Sdp;

/// <summary>
/// Parses an SDP offer (RFC 8866, the JSEP subset of RFC 8829 that browsers and OBS send). Unknown attributes
/// are skipped, as the RFC asks; malformed lines that matter fail with <see cref="SdpParseException"/> naming the line.
/// </summary>
public static class SdpParser
{
    /// <summary>Longest SDP accepted; a browser offer with simulcast is under 10 KiB.</summary>
    public const int MaxLength = 64 * 1024;

    /// <summary>Parses an offer; throws <see cref="SdpParseException"/> naming the line for a malformed one or one longer than <see cref="MaxLength"/>.</summary>
    public static SdpSessionDescription Parse(string sdp)
    {
        ArgumentNullException.ThrowIfNull(sdp);
        if (sdp.Length > MaxLength)
        {
            throw new SdpParseException(0, $"longer than {MaxLength} characters");
        }
        var lines = sdp.Split('\n');
        var session = new SessionBuilder();
        MediaBuilder? media = null;
        var sawVersion = false;
        for (var i = 0; i < lines.Length; i++)
        {
            var number = i + 1;
            var line = lines[i].TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }
            if (line.Length < 2 || line[1] != '=' || line[0] is < 'a' or > 'z')
            {
                throw new SdpParseException(number, "expected '<letter>=<value>'");
            }
            var value = line[2..];
            if (!sawVersion)
            {
                if (line[0] != 'v' || value != "0")
                {
                    throw new SdpParseException(number, "an SDP must start with 'v=0'");
                }
                sawVersion = true;
                continue;
            }
            switch (line[0])
            {
                case 'm':
                    media = MediaBuilder.FromLine(number, value);
                    session.Media.Add(media);
                    break;
                case 'a' when media is null:
                    session.Attribute(number, value);
                    break;
                case 'a':
                    media.Attribute(number, value);
                    break;
            }
        }
        if (!sawVersion)
        {
            throw new SdpParseException(0, "empty description");
        }
        return session.Build();
    }

    internal static (string Name, string? Value) SplitAttribute(string attribute)
    {
        var colon = attribute.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? (attribute, null) : (attribute[..colon], attribute[(colon + 1)..]);
    }

    internal static int ParseInt(int line, string text, string what)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            throw new SdpParseException(line, $"{what} '{text}' is not a number");
        }
        return value;
    }

    private sealed class SessionBuilder
    {
        public List<MediaBuilder> Media { get; } = [];

        private string[] _bundle = [];
        private string? _ufrag;
        private string? _pwd;
        private string? _fingerprint;
        private string? _setup;
        private bool _iceLite;

        public void Attribute(int line, string attribute)
        {
            var (name, value) = SplitAttribute(attribute);
            switch (name)
            {
                case "group" when value is not null && value.StartsWith("BUNDLE", StringComparison.Ordinal):
                    _bundle = value.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..];
                    break;
                case "ice-ufrag":
                    _ufrag = Required(line, name, value);
                    break;
                case "ice-pwd":
                    _pwd = Required(line, name, value);
                    break;
                case "fingerprint":
                    _fingerprint = Required(line, name, value);
                    break;
                case "setup":
                    _setup = Required(line, name, value);
                    break;
                case "ice-lite":
                    _iceLite = true;
                    break;
            }
        }

        public SdpSessionDescription Build() => new()
        {
            Media = Media.Select(m => m.Build()).ToList(),
            Bundle = _bundle,
            IceUfrag = _ufrag,
            IcePwd = _pwd,
            Fingerprint = _fingerprint,
            Setup = _setup,
            IceLite = _iceLite,
        };
    }

    internal static string Required(int line, string name, string? value) =>
        string.IsNullOrWhiteSpace(value) ? throw new SdpParseException(line, $"a={name} needs a value") : value.Trim();
}
