using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace CommunityStream.Media.Hls;

/// <summary>
/// The delivery directives of a playlist request (RFC 8216bis §6.2.5): <c>_HLS_msn</c> and <c>_HLS_part</c> make it a
/// blocking reload, <c>_HLS_skip=YES</c> (or <c>v2</c>) asks for a delta update.
/// </summary>
internal sealed record HlsPlaylistQuery(long? Msn, int? Part, bool Skip)
{
    /// <summary>The query, or the reason it is malformed (400).</summary>
    public static (HlsPlaylistQuery? Query, string? Problem) Parse(IQueryCollection query)
    {
        long? msn = null;
        int? part = null;
        if (query.TryGetValue("_HLS_msn", out var msnText))
        {
            if (!long.TryParse(msnText.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                return (null, "_HLS_msn must be a non-negative integer.");
            }
            msn = value;
        }
        if (query.TryGetValue("_HLS_part", out var partText))
        {
            if (msn is null)
            {
                return (null, "_HLS_part needs _HLS_msn.");
            }
            if (!int.TryParse(partText.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                return (null, "_HLS_part must be a non-negative integer.");
            }
            part = value;
        }
        var skip = query.TryGetValue("_HLS_skip", out var skipText) && skipText.ToString() is "YES" or "v2";
        return (new HlsPlaylistQuery(msn, part, skip), null);
    }
}
