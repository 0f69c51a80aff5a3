namespace CommunityStream.Media.Tests.Hls;

/// <summary>The playlist rules checker used by the window, endpoint and end-to-end tests catches what it claims to.</summary>
public sealed class HlsPlaylistRulesTests
{
    private static string Playlist(string skipUntil, string body, bool ended = false) =>
        "#EXTM3U\n#EXT-X-VERSION:9\n#EXT-X-TARGETDURATION:4\n"
        + $"#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,CAN-SKIP-UNTIL={skipUntil},PART-HOLD-BACK=1.500\n"
        + "#EXT-X-PART-INF:PART-TARGET=0.500\n#EXT-X-MEDIA-SEQUENCE:0\n" + body
        + (ended ? "#EXT-X-ENDLIST\n" : "#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"part-e-4.m4s\"\n");

    private const string Pdt = "#EXT-X-PROGRAM-DATE-TIME:2026-12-07T05:00:00.000Z\n";

    private static string Part(int n, string duration, bool independent = false) =>
        $"#EXT-X-PART:DURATION={duration},URI=\"part-e-{n}.m4s\"{(independent ? ",INDEPENDENT=YES" : "")}\n";

    [Fact]
    public void A_valid_playlist_passes_and_a_short_part_that_is_not_its_segments_last_does_not()
    {
        var good = Playlist("24.0", Pdt + Part(0, "0.450", true) + Part(1, "0.500") + Part(2, "0.100") + "#EXTINF:1.050,\nseg-e-0.m4s\n"
            + Pdt.Replace("00.000Z", "01.050Z", StringComparison.Ordinal) + Part(3, "0.430", true));
        Assert.Empty(HlsPlaylistRules.Check(good));

        var shortInside = good.Replace(Part(1, "0.500"), Part(1, "0.400"), StringComparison.Ordinal).Replace("#EXTINF:1.050", "#EXTINF:0.950", StringComparison.Ordinal);
        Assert.Contains(HlsPlaylistRules.Check(shortInside), p => p.Contains("below 85 %", StringComparison.Ordinal));
    }

    [Fact]
    public void Can_skip_until_below_six_target_durations_skip_with_endlist_and_parts_far_from_the_end_are_caught()
    {
        var body = Pdt + Part(0, "0.500", true) + "#EXTINF:0.500,\nseg-e-0.m4s\n";
        Assert.Contains(HlsPlaylistRules.Check(Playlist("12.0", body)), p => p.Contains("CAN-SKIP-UNTIL", StringComparison.Ordinal));
        var skipped = Playlist("24.0", "#EXT-X-SKIP:SKIPPED-SEGMENTS=1\n" + body, ended: true);
        Assert.Contains(HlsPlaylistRules.Check(skipped), p => p.Contains("EXT-X-SKIP", StringComparison.Ordinal));

        // Parts listed on a segment that starts 12.5 s before the playlist's end (three target durations are 12 s).
        var far = Pdt + Part(0, "0.500", true) + "#EXTINF:0.500,\nseg-e-0.m4s\n";
        for (var i = 1; i <= 3; i++)
        {
            far += Pdt.Replace("00.000Z", $"0{i * 4 - 3}.500Z", StringComparison.Ordinal) + $"#EXTINF:4.000,\nseg-e-{i}.m4s\n";
        }
        var problems = HlsPlaylistRules.Check(Playlist("24.0", far).Replace("part-e-4.m4s", "part-e-1.m4s", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("beyond three target durations", StringComparison.Ordinal));
    }
}
