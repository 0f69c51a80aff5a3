using Microsoft.Extensions.Primitives;

namespace CommunityStream.Media.Hls;

/// <summary><c>If-None-Match</c> (RFC 9110 §13.1.2): a list of entity tags or <c>*</c>, compared weakly (<c>W/</c> ignored).</summary>
internal static class HlsConditional
{
    public static bool IfNoneMatchMatches(StringValues header, string etag)
    {
        var ours = Opaque(etag);
        foreach (var value in header)
        {
            if (value is null)
            {
                continue;
            }
            foreach (var tag in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (tag == "*" || Opaque(tag).SequenceEqual(ours))
                {
                    return true;
                }
            }
        }
        return false;
    }

    // The weak comparison: two tags match when their opaque-tags match, whether or not either is weak.
    private static ReadOnlySpan<char> Opaque(string tag) => tag.StartsWith("W/", StringComparison.Ordinal) ? tag.AsSpan(2) : tag.AsSpan();
}
