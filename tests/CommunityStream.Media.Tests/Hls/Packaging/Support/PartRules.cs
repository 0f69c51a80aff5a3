using CommunityStream.Media.Hls;
using CommunityStream.Media.Hls.Packaging;

namespace CommunityStream.Media.Tests.Hls.Packaging.Support;

/// <summary>
/// Replays a packager's output into a real <see cref="HlsChannelWindow"/> with the same targets and checks what the
/// playlist would declare: no part over PART-TARGET; every part but a segment's last (and the stream's last) at
/// least 85 % of it; every independent part starting a segment and every segment starting at an independent part, a
/// new init or the hard cut (the packager and the window agree where segments are); no segment over TARGETDURATION.
/// </summary>
internal static class PartRules
{
    private static string Listing(List<HlsPartAdded> placed) =>
        string.Join(" ", placed.Select(p => $"{p.Msn}.{p.Index}:{p.Part.Duration.TotalMilliseconds:0}{(p.Part.Independent ? "I" : "")}"));

    public static void AssertFollowed(CapturingCmafOutput output, CmafPackagerOptions options)
    {
        var settings = new HlsWindowSettings(options.SegmentTarget, options.PartTarget, TimeSpan.FromHours(1));
        var window = new HlsChannelWindow("check", "e", settings);
        var inits = 0;
        for (var i = 0; i < output.Parts.Count; i++)
        {
            while (inits < output.Inits.Count && output.InitBeforePart[inits] == i)
            {
                window.InitSegment(output.Inits[inits++]);
            }
            window.Part(output.Parts[i]);
        }
        var placed = Enumerable.Range(0, output.Parts.Count).Select(n => window.FindPart(n)!).ToList();
        var segments = placed.GroupBy(p => p.Msn).Select(g => g.ToList()).ToList();
        var previous = TimeSpan.Zero;
        foreach (var segment in segments)
        {
            var first = segment[0];
            var newInit = output.InitBeforePart.Contains((int)first.Number);
            Assert.True(first.Part.Independent || newInit || previous >= settings.HardCut,
                $"segment {first.Msn} starts at a dependent part after {previous} (no hard cut)");
            Assert.All(segment.Skip(1), p => Assert.False(p.Part.Independent, $"independent part {p.Number} inside segment {p.Msn}: {Listing(placed)}"));
            var duration = TimeSpan.Zero;
            for (var i = 0; i < segment.Count; i++)
            {
                var part = segment[i].Part;
                duration += part.Duration;
                Assert.True(part.Duration <= options.PartTarget, $"part {segment[i].Number} lasts {part.Duration}, over {options.PartTarget}");
                var exempt = i == segment.Count - 1 || segment[i].Number == output.Parts.Count - 1;
                Assert.True(exempt || part.Duration >= options.PartFloor, $"part {segment[i].Number} lasts {part.Duration}, under 85 % of {options.PartTarget}");
            }
            Assert.True(Math.Round(duration.TotalSeconds, MidpointRounding.AwayFromZero) <= settings.TargetDuration, $"segment {first.Msn} lasts {duration}");
            previous = duration;
        }
    }
}
