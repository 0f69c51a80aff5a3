namespace CommunityStream.HlsLoad.Tests;

public sealed class LivePlaylistTests
{
    private const string Live = """
        #EXTM3U
        #EXT-X-TARGETDURATION:2
        #EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.0
        #EXT-X-PART-INF:PART-TARGET=0.334
        #EXT-X-MEDIA-SEQUENCE:41
        #EXT-X-MAP:URI="init.mp4"
        #EXT-X-PROGRAM-DATE-TIME:2026-12-07T05:00:00.000Z
        #EXT-X-PART:DURATION=1.0,URI="41.0.m4s",INDEPENDENT=YES
        #EXT-X-PART:DURATION=1.0,URI="41.1.m4s"
        #EXTINF:2.0,
        41.m4s
        #EXT-X-PART:DURATION=0.5,URI="42.0.m4s",INDEPENDENT=YES
        #EXT-X-PRELOAD-HINT:TYPE=PART,URI="42.1.m4s"
        """;

    [Fact]
    public void Parts_are_numbered_by_segment_and_carry_the_end_of_their_media()
    {
        var p = LivePlaylist.Parse(Live);
        Assert.True(p.CanBlockReload);
        Assert.Equal(0.334, p.PartTarget);
        Assert.Equal(2, p.TargetDuration);
        Assert.Equal([(41L, 0, "41.0.m4s"), (41L, 1, "41.1.m4s"), (42L, 0, "42.0.m4s")], p.Parts.Select(x => (x.Msn, x.Index, x.Uri)).ToArray());
        var start = DateTimeOffset.Parse("2026-12-07T05:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(start.AddSeconds(1), p.Parts[0].MediaEnd);
        Assert.Equal(start.AddSeconds(2), p.Parts[1].MediaEnd);
        // The next segment's date: the first's plus its EXTINF, plus the part's own duration.
        Assert.Equal(start.AddSeconds(2.5), p.Parts[2].MediaEnd);
        Assert.Equal(p.Parts[2], p.Last);
    }

    [Fact]
    public void After_gives_the_parts_past_the_last_one_seen_and_everything_when_none_was()
    {
        var p = LivePlaylist.Parse(Live);
        Assert.Equal(["41.1.m4s", "42.0.m4s"], p.After(p.Parts[0]).Select(x => x.Uri).ToArray());
        Assert.Empty(p.After(p.Parts[2]));
        Assert.Equal(3, p.After(null).Count());
        Assert.Equal(3, p.After(new PlaylistPart(40, 5, "old", 1, null)).Count());
    }

    [Fact]
    public void Without_a_date_or_server_control_parts_have_no_media_end_and_reloads_do_not_block()
    {
        var p = LivePlaylist.Parse("#EXTM3U\r\n#EXT-X-TARGETDURATION:2\r\n#EXT-X-PART:DURATION=0.5,URI=\"a.m4s\"\r\n");
        Assert.False(p.CanBlockReload);
        Assert.Equal(0, p.Parts[0].Msn);
        Assert.Null(p.Parts[0].MediaEnd);
    }

    [Theory]
    [InlineData("#EXT-X-PART:DURATION=0.5,URI=\"a,b.m4s\",INDEPENDENT=YES", "URI", "a,b.m4s")]
    [InlineData("#EXT-X-PART:DURATION=0.5,URI=\"a.m4s\"", "DURATION", "0.5")]
    [InlineData("#EXT-X-SERVER-CONTROL:HOLD-BACK=6,PART-HOLD-BACK=1", "HOLD-BACK", "6")]
    [InlineData("#EXT-X-SERVER-CONTROL:PART-HOLD-BACK=1", "HOLD-BACK", null)]
    [InlineData("#EXT-X-PART:URI=\"unterminated", "URI", null)]
    public void Attributes_are_read_by_whole_name_and_quotes(string line, string name, string? expected) =>
        Assert.Equal(expected, LivePlaylist.Attribute(line, name));

    [Fact]
    public void Random_and_truncated_playlists_never_throw()
    {
        var random = new Random(18);
        for (var n = 0; n <= Live.Length; n++)
        {
            _ = LivePlaylist.Parse(Live[..n]);
        }
        const string alphabet = "#EXT-X-PART:=,\"URI DURATION0.5\n-YES";
        for (var i = 0; i < 2000; i++)
        {
            var chars = Live.ToCharArray();
            for (var k = 0; k < 8; k++)
            {
                chars[random.Next(chars.Length)] = alphabet[random.Next(alphabet.Length)];
            }
            _ = LivePlaylist.Parse(new string(chars));
        }
    }
}
