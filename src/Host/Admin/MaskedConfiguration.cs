using System.Text.RegularExpressions;

namespace CommunityStream.Host.Admin;

/// <summary>
/// The effective configuration for <c>GET /admin/v1/node/config</c>, with secrets replaced by <see cref="Mask"/>: values
/// of keys that name a password, secret, key or token, and the password part of connection strings.
/// </summary>
public static partial class MaskedConfiguration
{
    /// <summary>What a secret value is shown as.</summary>
    public const string Mask = "***";

    /// <summary>Every key with a value, sorted, secrets masked.</summary>
    public static SortedDictionary<string, string> Of(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var settings = new SortedDictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in configuration.AsEnumerable())
        {
            if (value is not null)
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
