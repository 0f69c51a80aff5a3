using System.Globalization;

namespace CommunityStream.HlsLoad;

/// <summary>One part of a live playlist: its parent segment's media sequence number, its index, URI and media span.</summary>
internal sealed record PlaylistPart(long Msn, int Index, string Uri, double Duration, DateTimeOffset? MediaEnd);

/// <summary>
/// What a simulated LL-HLS client reads from a media playlist (RFC 8216bis): the parts in order (with the wall-clock
/// end of each part's media when EXT-X-PROGRAM-DATE-TIME is given: the segment's date plus the durations of the parts
/// up to and including it), the part target and whether the server blocks reloads. Lenient: unknown or malformed tags
/// are skipped.
/// </summary>
internal sealed record LivePlaylist(IReadOnlyList<PlaylistPart> Parts, double PartTarget, double TargetDuration, bool CanBlockReload)
{
    public PlaylistPart? Last => Parts.Count > 0 ? Parts[^1] : null;

    public static LivePlaylist Parse(string text)
    {
        var parts = new List<PlaylistPart>();
        long msn = 0;
        var index = 0;
        double partTarget = 0, target = 0;
        var block = false;
        DateTimeOffset? segmentDate = null;
        double intoSegment = 0;
        var inSegment = false;
        double segmentDuration = 0;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith("#EXT-X-MEDIA-SEQUENCE:", StringComparison.Ordinal))
            {
                _ = long.TryParse(line.AsSpan(22), NumberStyles.Integer, CultureInfo.InvariantCulture, out msn);
            }
            else if (line.StartsWith("#EXT-X-TARGETDURATION:", StringComparison.Ordinal))
            {
                _ = double.TryParse(line.AsSpan(22), NumberStyles.Float, CultureInfo.InvariantCulture, out target);
            }
            else if (line.StartsWith("#EXT-X-PART-INF:", StringComparison.Ordinal))
            {
                _ = double.TryParse(Attribute(line, "PART-TARGET"), NumberStyles.Float, CultureInfo.InvariantCulture, out partTarget);
            }
            else if (line.StartsWith("#EXT-X-SERVER-CONTROL:", StringComparison.Ordinal))
            {
                block = Attribute(line, "CAN-BLOCK-RELOAD") == "YES";
            }
            else if (line.StartsWith("#EXT-X-PROGRAM-DATE-TIME:", StringComparison.Ordinal))
            {
                segmentDate = DateTimeOffset.TryParse(line.AsSpan(25), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date) ? date : null;
                intoSegment = 0;
            }
            else if (line.StartsWith("#EXT-X-PART:", StringComparison.Ordinal))
            {
                var uri = Attribute(line, "URI");
                if (uri is not null && double.TryParse(Attribute(line, "DURATION"), NumberStyles.Float, CultureInfo.InvariantCulture, out var duration))
                {
                    intoSegment += duration;
                    parts.Add(new PlaylistPart(msn, index, uri, duration, segmentDate?.AddSeconds(intoSegment)));
                    index++;
                    inSegment = true;
                }
            }
            else if (line.StartsWith("#EXTINF:", StringComparison.Ordinal))
            {
                var comma = line.IndexOf(',', StringComparison.Ordinal);
                _ = double.TryParse(comma < 0 ? line.AsSpan(8) : line.AsSpan(8, comma - 8), NumberStyles.Float, CultureInfo.InvariantCulture, out segmentDuration);
                inSegment = true;
            }
            else if (line.Length > 0 && line[0] != '#' && inSegment)
            {
                // The segment's URI closes it: what follows belongs to the next media sequence number, whose date
                // (unless the playlist gives it) is this one's plus its duration.
                msn++;
                index = 0;
                intoSegment = 0;
                segmentDate = segmentDate?.AddSeconds(segmentDuration);
                segmentDuration = 0;
                inSegment = false;
            }
        }
        return new LivePlaylist(parts, partTarget, target, block);
    }

    /// <summary>The value of <paramref name="name"/> in a tag's attribute list, unquoted.</summary>
    internal static string? Attribute(string line, string name)
    {
        var at = 0;
        while ((at = line.IndexOf(name + "=", at, StringComparison.Ordinal)) >= 0)
        {
            // A whole attribute name: preceded by ':' or ','.
            if (at > 0 && line[at - 1] is ':' or ',')
            {
                var start = at + name.Length + 1;
                if (start < line.Length && line[start] == '"')
                {
                    var end = line.IndexOf('"', start + 1);
                    return end < 0 ? null : line[(start + 1)..end];
                }
                var comma = line.IndexOf(',', start);
                return comma < 0 ? line[start..] : line[start..comma];
            }
            at += name.Length;
        }
        return null;
    }

    /// <summary>The parts listed after <paramref name="last"/> (all of them when it is null or older than the window).</summary>
    public IEnumerable<PlaylistPart> After(PlaylistPart? last) =>
        last is null ? Parts : Parts.Where(p => p.Msn > last.Msn || (p.Msn == last.Msn && p.Index > last.Index));
}
