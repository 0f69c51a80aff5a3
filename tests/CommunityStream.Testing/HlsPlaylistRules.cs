using System.Globalization;
using System.Text.RegularExpressions;

namespace CommunityStream.Testing;

/// <summary>
/// Checks LL-HLS media playlists as this project writes them against RFC 8216bis's rules: every EXT-X-PART no longer
/// than PART-TARGET and, but a segment's last, at least 85 % of it (§4.4.4.9), parts listed only within the last three
/// target durations, CAN-SKIP-UNTIL at least six target durations, no EXT-X-SKIP with EXT-X-ENDLIST, every segment's EXTINF rounded no longer than TARGETDURATION, PART-HOLD-BACK at least three part
/// targets, consecutive MSNs, a preload hint naming the part after the last one, program date-times that increase,
/// and across reloads the same segment keeping its URI and duration. Returns the violations (empty when it passes).
/// </summary>
public static partial class HlsPlaylistRules
{
    /// <summary>A segment as a playlist lists it.</summary>
    public sealed record Segment(long Msn, string? Uri, double? Duration, DateTimeOffset? ProgramDateTime, IReadOnlyList<(double Duration, string Uri, bool Independent)> Parts);

    /// <summary>A parsed playlist.</summary>
    public sealed record Playlist(int TargetDuration, double PartTarget, double PartHoldBack, long MediaSequence, int Skipped, IReadOnlyList<Segment> Segments, string? PreloadHint, bool Ended)
    {
        /// <summary>CAN-SKIP-UNTIL in seconds, 0 when absent.</summary>
        public double SkipUntil { get; init; }
    }

    public static Playlist Parse(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        int target = 0, skipped = 0;
        double partTarget = 0, holdBack = 0, skipUntil = 0;
        long sequence = 0;
        string? hint = null;
        var ended = false;
        var segments = new List<Segment>();
        var parts = new List<(double, string, bool)>();
        DateTimeOffset? pdt = null;
        double? extinf = null;
        foreach (var line in lines)
        {
            if (line.StartsWith("#EXT-X-TARGETDURATION:", StringComparison.Ordinal))
            {
                target = int.Parse(line[22..], CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("#EXT-X-PART-INF:", StringComparison.Ordinal))
            {
                partTarget = Number(Attribute(line, "PART-TARGET")!);
            }
            else if (line.StartsWith("#EXT-X-SERVER-CONTROL:", StringComparison.Ordinal))
            {
                holdBack = Number(Attribute(line, "PART-HOLD-BACK") ?? "0");
                skipUntil = Number(Attribute(line, "CAN-SKIP-UNTIL") ?? "0");
            }
            else if (line.StartsWith("#EXT-X-MEDIA-SEQUENCE:", StringComparison.Ordinal))
            {
                sequence = long.Parse(line[22..], CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("#EXT-X-SKIP:", StringComparison.Ordinal))
            {
                skipped = int.Parse(Attribute(line, "SKIPPED-SEGMENTS")!, CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("#EXT-X-PROGRAM-DATE-TIME:", StringComparison.Ordinal))
            {
                pdt = DateTimeOffset.Parse(line[25..], CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("#EXT-X-PART:", StringComparison.Ordinal))
            {
                parts.Add((Number(Attribute(line, "DURATION")!), Attribute(line, "URI")!, Attribute(line, "INDEPENDENT") == "YES"));
            }
            else if (line.StartsWith("#EXTINF:", StringComparison.Ordinal))
            {
                extinf = Number(line[8..].TrimEnd(','));
            }
            else if (line.StartsWith("#EXT-X-PRELOAD-HINT:", StringComparison.Ordinal))
            {
                hint = Attribute(line, "URI");
            }
            else if (line == "#EXT-X-ENDLIST")
            {
                ended = true;
            }
            else if (!line.StartsWith('#'))
            {
                segments.Add(new Segment(sequence + skipped + segments.Count, line, extinf, pdt, [.. parts]));
                parts.Clear();
                extinf = null;
                pdt = null;
            }
        }
        if (parts.Count > 0)
        {
            segments.Add(new Segment(sequence + skipped + segments.Count, null, null, pdt, [.. parts]));
        }
        return new Playlist(target, partTarget, holdBack, sequence, skipped, segments, hint, ended) { SkipUntil = skipUntil };
    }

    /// <summary>The rules one playlist must follow.</summary>
    public static IReadOnlyList<string> Check(string text)
    {
        var problems = new List<string>();
        if (!text.StartsWith("#EXTM3U\n", StringComparison.Ordinal))
        {
            problems.Add("does not start with #EXTM3U");
        }
        var playlist = Parse(text);
        if (playlist.TargetDuration <= 0 || playlist.PartTarget <= 0)
        {
            problems.Add("no TARGETDURATION or PART-TARGET");
            return problems;
        }
        if (!text.Contains("CAN-BLOCK-RELOAD=YES", StringComparison.Ordinal))
        {
            problems.Add("no CAN-BLOCK-RELOAD=YES");
        }
        if (playlist.PartHoldBack < 3 * playlist.PartTarget - 0.0005)
        {
            problems.Add($"PART-HOLD-BACK {playlist.PartHoldBack} is below three part targets");
        }
        if (text.Contains("CAN-SKIP-UNTIL=", StringComparison.Ordinal) && playlist.SkipUntil < 6 * playlist.TargetDuration)
        {
            problems.Add($"CAN-SKIP-UNTIL {playlist.SkipUntil} is below six target durations");
        }
        if (playlist.Ended && text.Contains("#EXT-X-SKIP:", StringComparison.Ordinal))
        {
            problems.Add("an ended playlist has EXT-X-SKIP");
        }
        // Distance from each segment's start to the playlist's end (a live segment: its parts so far).
        var untilEnd = 0.0;
        var fromEnd = new double[playlist.Segments.Count];
        for (var i = playlist.Segments.Count - 1; i >= 0; i--)
        {
            var s = playlist.Segments[i];
            untilEnd += s.Duration ?? s.Parts.Sum(p => p.Duration);
            fromEnd[i] = untilEnd;
        }
        DateTimeOffset? previous = null;
        string? lastPart = null;
        var index = 0;
        foreach (var segment in playlist.Segments)
        {
            if (segment.Parts.Count > 0 && fromEnd[index] > 3 * playlist.TargetDuration + 0.001 * playlist.Segments.Sum(s => s.Parts.Count + 1))
            {
                problems.Add($"segment {segment.Msn} lists parts {fromEnd[index]:0.000} s from the end, beyond three target durations");
            }
            index++;
            var partIndex = 0;
            if (segment.Duration is { } duration && Math.Round(duration, MidpointRounding.AwayFromZero) > playlist.TargetDuration)
            {
                problems.Add($"segment {segment.Msn} lasts {duration} s, above TARGETDURATION {playlist.TargetDuration}");
            }
            foreach (var part in segment.Parts)
            {
                if (part.Duration > playlist.PartTarget)
                {
                    problems.Add($"a part of segment {segment.Msn} lasts {part.Duration} s, above PART-TARGET {playlist.PartTarget}");
                }
                if (++partIndex < segment.Parts.Count && part.Duration < 0.85 * playlist.PartTarget - 0.0005)
                {
                    problems.Add($"part {partIndex - 1} of segment {segment.Msn} lasts {part.Duration} s, below 85 % of PART-TARGET {playlist.PartTarget} and not the segment's last");
                }
                if (lastPart is not null && PartNumber(part.Uri) != PartNumber(lastPart) + 1)
                {
                    problems.Add($"part {part.Uri} does not follow {lastPart}");
                }
                lastPart = part.Uri;
            }
            if (segment.Duration is { } total && segment.Parts.Count > 0 && Math.Abs(segment.Parts.Sum(p => p.Duration) - total) > 0.001 * (segment.Parts.Count + 1))
            {
                problems.Add($"segment {segment.Msn}'s parts do not add up to its EXTINF {total}");
            }
            if (segment.ProgramDateTime is not { } pdt)
            {
                problems.Add($"segment {segment.Msn} has no EXT-X-PROGRAM-DATE-TIME");
            }
            else
            {
                if (previous is { } before && pdt <= before)
                {
                    problems.Add($"segment {segment.Msn}'s EXT-X-PROGRAM-DATE-TIME does not increase");
                }
                previous = pdt;
            }
        }
        if (playlist.Ended == (playlist.PreloadHint is not null))
        {
            problems.Add(playlist.Ended ? "an ended playlist has a preload hint" : "a live playlist has no preload hint");
        }
        if (playlist.PreloadHint is { } hint && lastPart is not null && PartNumber(hint) != PartNumber(lastPart) + 1)
        {
            problems.Add($"the preload hint {hint} is not the part after {lastPart}");
        }
        return problems;
    }

    /// <summary>The rules across successive reloads of one playlist.</summary>
    public static IReadOnlyList<string> CheckSequence(IEnumerable<string> texts)
    {
        var problems = new List<string>();
        var seen = new Dictionary<long, Segment>();
        long lastSequence = -1, lastMsn = -1;
        foreach (var text in texts)
        {
            var playlist = Parse(text);
            if (playlist.MediaSequence < lastSequence)
            {
                problems.Add($"MEDIA-SEQUENCE went back from {lastSequence} to {playlist.MediaSequence}");
            }
            lastSequence = playlist.MediaSequence;
            var last = playlist.Segments.Count == 0 ? -1 : playlist.Segments[^1].Msn;
            if (last < lastMsn)
            {
                problems.Add($"the last MSN went back from {lastMsn} to {last}");
            }
            lastMsn = Math.Max(lastMsn, last);
            foreach (var segment in playlist.Segments.Where(s => s.Uri is not null))
            {
                if (seen.TryGetValue(segment.Msn, out var before) && (before.Uri != segment.Uri || before.Duration != segment.Duration))
                {
                    problems.Add($"segment {segment.Msn} changed from {before.Uri} ({before.Duration} s) to {segment.Uri} ({segment.Duration} s)");
                }
                seen[segment.Msn] = segment;
            }
        }
        return problems;
    }

    private static long PartNumber(string uri) => PartNumberPattern().Match(uri) is { Success: true } match ? long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : -1;

    private static string? Attribute(string line, string name)
    {
        var match = Regex.Match(line, $"[:,]{Regex.Escape(name)}=(\"[^\"]*\"|[^,]*)");
        return match.Success ? match.Groups[1].Value.Trim('"') : null;
    }

    private static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"-(\d+)\.m4s")]
    private static partial Regex PartNumberPattern();
}
