using System.Globalization;

namespace CommunityStream.HlsLoad;

/// <summary>Requests the cache in front passed to the origin during the window, by kind.</summary>
internal sealed record OriginCounts(long Requests, long PlaylistRequests, long PartRequests, long OtherRequests, long CacheAnswers)
{
    /// <summary>Origin requests per part produced in the window (the target: at most 2).</summary>
    public double PerPart(long partsProduced) => partsProduced <= 0 ? 0 : (double)Requests / partsProduced;
}

/// <summary>
/// Reads an nginx access log written with <c>log_format hlsload '$msec $upstream_cache_status $request_uri $upstream_addr'</c>:
/// a line whose <c>$upstream_addr</c> is <c>-</c> was answered from the cache (a HIT, or a request that waited on
/// <c>proxy_cache_lock</c> and then read the cached copy); any other went to the origin (MISS, EXPIRED, BYPASS…).
/// </summary>
internal static class OriginLog
{
    public static OriginCounts Count(IEnumerable<string> lines, DateTimeOffset from, DateTimeOffset to)
    {
        long origin = 0, playlists = 0, parts = 0, other = 0, cached = 0;
        foreach (var line in lines)
        {
            var fields = line.Split(' ', 4, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 4 || !double.TryParse(fields[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
            {
                continue;
            }
            var at = DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000));
            if (at < from || at > to)
            {
                continue;
            }
            if (fields[3] == "-")
            {
                cached++;
                continue;
            }
            // With proxy_cache_lock a waiting request that timed out may go to the origin too. Several upstream
            // addresses (", " separated, hence last on the line) would mean retries; each line is counted once.
            origin++;
            var path = fields[2];
            var query = path.IndexOf('?', StringComparison.Ordinal);
            var file = query < 0 ? path : path[..query];
            if (file.EndsWith(".m3u8", StringComparison.Ordinal))
            {
                playlists++;
            }
            else if (file.EndsWith(".mp4", StringComparison.Ordinal) || file.EndsWith(".m4s", StringComparison.Ordinal))
            {
                parts++;
            }
            else
            {
                other++;
            }
        }
        return new OriginCounts(origin, playlists, parts, other, cached);
    }
}
