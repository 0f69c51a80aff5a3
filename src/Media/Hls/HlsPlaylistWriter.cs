using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CommunityStream.Media.Hls;

/// <summary>
/// Writes a window's media playlist (RFC 8216bis with the low-latency tags). Audio and video are muxed in one
/// rendition (each part is one CMAF chunk with both tracks), so there is no multivariant playlist: the media
/// playlist is the URL players open. EXT-X-PART tags are listed for the segments of about the last three segment
/// targets and the live segment, EXT-X-PRELOAD-HINT names the next part, and a delta update (<c>_HLS_skip=YES</c>)
/// replaces the segments older than CAN-SKIP-UNTIL with EXT-X-SKIP.
/// </summary>
internal static class HlsPlaylistWriter
{
    /// <summary>A rendered playlist: the body, its ETag and the window version it shows.</summary>
    public sealed record Rendered(byte[] Body, string ETag, long Version);

    public static Rendered Render(HlsChannelWindow window, IReadOnlyList<HlsSegment> segments, long version, bool skip)
    {
        var settings = window.Settings;
        var epoch = window.Epoch;
        var text = new StringBuilder(4096);
        var ic = CultureInfo.InvariantCulture;
        text.Append("#EXTM3U\n#EXT-X-VERSION:9\n");
        text.Append(ic, $"#EXT-X-TARGETDURATION:{settings.TargetDuration}\n");
        text.Append(ic, $"#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,CAN-SKIP-UNTIL={settings.SkipUntil}.0,PART-HOLD-BACK={HlsWindowSettings.SecondsUp(settings.PartHoldBack)}\n");
        text.Append(ic, $"#EXT-X-PART-INF:PART-TARGET={HlsWindowSettings.SecondsUp(settings.PartTarget)}\n");
        text.Append(ic, $"#EXT-X-MEDIA-SEQUENCE:{segments[0].Msn}\n");
        text.Append(ic, $"#EXT-X-DISCONTINUITY-SEQUENCE:{window.DiscontinuitySequence}\n");

        // Segments ending more than CAN-SKIP-UNTIL before the end of the playlist may be skipped in a delta update.
        var total = TimeSpan.Zero;
        foreach (var segment in segments)
        {
            total += segment.Duration;
        }
        var skipped = 0;
        if (skip)
        {
            var end = TimeSpan.Zero;
            var boundary = total - TimeSpan.FromSeconds(settings.SkipUntil);
            while (skipped < segments.Count - 1 && segments[skipped].Complete && (end += segments[skipped].Duration) <= boundary)
            {
                skipped++;
            }
            if (skipped > 0)
            {
                text.Append(ic, $"#EXT-X-SKIP:SKIPPED-SEGMENTS={skipped}\n");
            }
        }

        // EXT-X-PART for the recent segments: those ending within three segment targets of the live edge.
        var partsFrom = segments.Count - 1;
        var recent = TimeSpan.Zero;
        while (partsFrom > 0 && recent < 3 * settings.SegmentTarget)
        {
            partsFrom--;
            recent += segments[partsFrom].Duration;
        }

        var init = -1;
        for (var i = skipped; i < segments.Count; i++)
        {
            var segment = segments[i];
            if (segment.Discontinuity)
            {
                text.Append("#EXT-X-DISCONTINUITY\n");
            }
            if (segment.InitId != init)
            {
                init = segment.InitId;
                text.Append(ic, $"#EXT-X-MAP:URI=\"{HlsNames.Init(epoch, init)}\"\n");
            }
            text.Append(ic, $"#EXT-X-PROGRAM-DATE-TIME:{segment.ProgramDateTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", ic)}\n");
            if (i >= partsFrom)
            {
                foreach (var part in segment.Parts)
                {
                    text.Append(ic, $"#EXT-X-PART:DURATION={HlsWindowSettings.Seconds(part.Part.Duration)},URI=\"{HlsNames.Part(epoch, part.Number)}\"");
                    text.Append(part.Part.Independent ? ",INDEPENDENT=YES\n" : "\n");
                }
            }
            if (segment.Complete)
            {
                text.Append(ic, $"#EXTINF:{HlsWindowSettings.Seconds(segment.Duration)},\n{HlsNames.Segment(epoch, segment.Msn)}\n");
            }
        }
        if (window.Ended)
        {
            text.Append("#EXT-X-ENDLIST\n");
        }
        else
        {
            text.Append(ic, $"#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"{HlsNames.Part(epoch, window.NextPartNumber)}\"\n");
        }
        var body = Encoding.ASCII.GetBytes(text.ToString());
        var tag = Convert.ToHexStringLower(SHA256.HashData(body).AsSpan(0, 8));
        return new Rendered(body, $"\"{tag}\"", version);
    }
}
