using System.Text.RegularExpressions;

namespace CommunityStream.Host.Admin;

/// <summary>
/// The effective configuration for <c>GET /admin/v1/node/config</c>, with secrets replaced by <see cref="Mask"/>: values
/// of keys that name a password, secret, key or token, and the password part of connection strings. Only the sections
/// CommunityStream reads: ASP.NET Core also loads the whole process environment without a prefix (PATH, HOME, a CI's
/// variables), which is no setting of ours and may hold secrets under names no pattern recognises.
/// </summary>
public static partial class MaskedConfiguration
{
    /// <summary>What a secret value is shown as.</summary>
    public const string Mask = "***";

    // Top-level keys the Host and its modules read (CS_ variables and the command line land in these too).
    private static readonly HashSet<string> OurSections = new(StringComparer.OrdinalIgnoreCase)
    {
        "Admin", "AllowedHosts", "Chat", "Cluster", "DataDirectory", "Http", "Identity", "Logging", "Media", "Persistence",
        "Telemetry", "urls", "http_ports",
    };

    /// <summary>Every key of our sections with a value, sorted, secrets masked.</summary>
    public static SortedDictionary<string, string> Of(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var settings = new SortedDictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in configuration.AsEnumerable())
        {
            if (value is not null && OurSections.Contains(key.Split(':', 2)[0]))
            {
                settings[key] = MaskValue(key, value);
            }
        }
        return settings;
    }

    /// <summary>The value as shown: masked whole for a secret key, its password parts masked for anything else.</summary>
    public static string MaskValue(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length == 0)
        {
            return value;
        }
        if (SecretKey().IsMatch(key))
        {
            return Mask;
        }
        // Connection strings and URLs: Password=...; and scheme://user:password@host.
        var masked = PasswordPart().Replace(value, match => match.Groups["name"].Value + "=" + Mask);
        return UserInfo().Replace(masked, match => match.Groups["prefix"].Value + Mask + "@");
    }

    [GeneratedRegex(@"(password|passwd|pwd|secret|key|token|credential|certificate)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretKey();

    [GeneratedRegex(@"(?<name>\b(password|pwd)\s*)=[^;]*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PasswordPart();

    [GeneratedRegex(@"(?<prefix>[a-z][a-z0-9+.\-]*://[^:/@\s]+:)[^@/\s]+@", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UserInfo();
}
