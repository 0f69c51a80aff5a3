using System.Globalization;

namespace CommunityStream.Media.Hls;

/// <summary>
/// The names of a channel's HLS resources, relative to its playlist (so a token in the path carries over to them):
/// <c>init-{epoch}-{id}.mp4</c>, <c>seg-{epoch}-{msn}.m4s</c>, <c>part-{epoch}-{number}.m4s</c>. The epoch makes a
/// name unique to one run of the channel, so caches may keep every object forever (immutable).
/// </summary>
internal static class HlsNames
{
    public const string Playlist = "index.m3u8";

    private static readonly System.Buffers.SearchValues<char> EpochDigits = System.Buffers.SearchValues.Create("0123456789abcdefghijklmnopqrstuvwxyz");

    public static string Init(string epoch, int id) => string.Create(CultureInfo.InvariantCulture, $"init-{epoch}-{id}.mp4");

    public static string Segment(string epoch, long msn) => string.Create(CultureInfo.InvariantCulture, $"seg-{epoch}-{msn}.m4s");

    public static string Part(string epoch, long number) => string.Create(CultureInfo.InvariantCulture, $"part-{epoch}-{number}.m4s");

    /// <summary>Parses a requested file name; null when it is not one of ours (404).</summary>
    public static HlsResource? Parse(string file)
    {
        if (file == Playlist)
        {
            return new HlsResource(HlsResourceKind.Playlist, "", 0);
        }
        var (kind, prefix, suffix) = file switch
        {
            _ when file.StartsWith("init-", StringComparison.Ordinal) => (HlsResourceKind.Init, 5, ".mp4"),
            _ when file.StartsWith("seg-", StringComparison.Ordinal) => (HlsResourceKind.Segment, 4, ".m4s"),
            _ when file.StartsWith("part-", StringComparison.Ordinal) => (HlsResourceKind.Part, 5, ".m4s"),
            _ => (HlsResourceKind.Playlist, -1, ""),
        };
        if (prefix < 0 || !file.EndsWith(suffix, StringComparison.Ordinal) || file.Length > 64)
        {
            return null;
        }
        var body = file.AsSpan(prefix, file.Length - prefix - suffix.Length);
        var dash = body.LastIndexOf('-');
        // Only the canonical spelling of a number (no leading zeros): another would be a free cache-busting key.
        if (dash <= 0 || body[..dash].ContainsAnyExcept(EpochDigits)
            || (body.Length - dash > 2 && body[dash + 1] == '0')
            || !long.TryParse(body[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            || (kind == HlsResourceKind.Init && number > int.MaxValue))
        {
            return null;
        }
        return new HlsResource(kind, body[..dash].ToString(), number);
    }
}

internal enum HlsResourceKind
{
    Playlist,
    Init,
    Segment,
    Part,
}

/// <summary>A parsed resource name: its kind, the epoch it names and its number (init id, MSN or part number).</summary>
internal sealed record HlsResource(HlsResourceKind Kind, string Epoch, long Number);
