using System.Text.RegularExpressions;

namespace CommunityStream.Media.Streams;

/// <summary>
/// A channel is named by its streamer's username and shares that name with its chat room: lowercase
/// <c>[a-z0-9_]{3,25}</c>, compared case-insensitively.
/// </summary>
internal static partial class ChannelName
{
    /// <summary>The normalized name, or <see langword="null"/> when <paramref name="name"/> cannot be a channel.</summary>
    public static string? TryNormalize(string? name)
    {
        if (name is null || name.Length is < 3 or > 25)
        {
            return null;
        }
        var lower = name.ToLowerInvariant();
        return Valid().IsMatch(lower) ? lower : null;
    }

    [GeneratedRegex("^[a-z0-9_]{3,25}$", RegexOptions.CultureInvariant)]
    private static partial Regex Valid();
}
