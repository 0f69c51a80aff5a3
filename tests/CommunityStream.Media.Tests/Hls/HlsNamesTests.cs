using CommunityStream.Media.Hls;

namespace CommunityStream.Media.Tests.Hls;

public sealed class HlsNamesTests
{
    [Fact]
    public void Should_parse_the_names_it_writes()
    {
        Assert.Equal(new HlsResource(HlsResourceKind.Playlist, "", 0), HlsNames.Parse("index.m3u8"));
        Assert.Equal(new HlsResource(HlsResourceKind.Init, "mk3x9", 2), HlsNames.Parse(HlsNames.Init("mk3x9", 2)));
        Assert.Equal(new HlsResource(HlsResourceKind.Segment, "mk3x9", 123456), HlsNames.Parse(HlsNames.Segment("mk3x9", 123456)));
        Assert.Equal(new HlsResource(HlsResourceKind.Part, "mk3x9", 7), HlsNames.Parse(HlsNames.Part("mk3x9", 7)));
        // Base 36 of the start's Unix milliseconds: names of one run never collide with another's.
        Assert.Equal("piscd0jk", HlsPackaging.Epoch(DateTimeOffset.FromUnixTimeMilliseconds(2_000_000_000_000)));
        Assert.NotNull(HlsNames.Parse(HlsNames.Part(HlsPackaging.Epoch(DateTimeOffset.UtcNow), 0)));
    }

    [Theory]
    [InlineData("index.m3u")]
    [InlineData("seg-.m4s")]
    [InlineData("seg-abc-.m4s")]
    [InlineData("seg--1.m4s")]
    [InlineData("seg-ABC-1.m4s")]
    [InlineData("seg-abc--1.m4s")]
    [InlineData("seg-abc-1.mp4")]
    [InlineData("part-abc-99999999999999999999.m4s")]
    [InlineData("init-abc-4294967296.mp4")]
    [InlineData("../seg-abc-1.m4s")]
    [InlineData("part-abc-007.m4s")]
    [InlineData("seg-abc-00.m4s")]
    [InlineData("init-abc-01.mp4")]
    public void Should_refuse_names_it_never_writes(string file) => Assert.Null(HlsNames.Parse(file));

    [Fact]
    public void Should_accept_zero_and_other_canonical_numbers() =>
        Assert.Equal([0L, 10, 700], new[] { "part-abc-0.m4s", "part-abc-10.m4s", "part-abc-700.m4s" }.Select(n => HlsNames.Parse(n)!.Number));

    [Theory]
    [InlineData("\"e-p1\"", "\"e-p1\"", true)]
    [InlineData("W/\"e-p1\"", "\"e-p1\"", true)]
    [InlineData("\"x\", W/\"e-p1\"", "\"e-p1\"", true)]
    [InlineData("*", "\"e-p1\"", true)]
    [InlineData("\"e-p2\"", "\"e-p1\"", false)]
    [InlineData("W/\"e-p\"", "\"e-p1\"", false)]
    [InlineData("", "\"e-p1\"", false)]
    public void Should_match_if_none_match_weakly_and_in_lists(string header, string etag, bool matches) =>
        Assert.Equal(matches, HlsConditional.IfNoneMatchMatches(header, etag));

    [Fact]
    public void Should_survive_random_and_truncated_names()
    {
        var random = new Random(18);
        const string alphabet = "segpartinit-.m4s0123456789abcxyzAZ/%";
        var name = HlsNames.Part("mk3x9", 42);
        for (var length = 0; length <= name.Length; length++)
        {
            _ = HlsNames.Parse(name[..length]);
        }
        for (var i = 0; i < 10_000; i++)
        {
            var text = new string(Enumerable.Range(0, random.Next(0, 70)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
            if (HlsNames.Parse(text) is { Kind: not HlsResourceKind.Playlist } parsed)
            {
                Assert.True(parsed.Number >= 0 && parsed.Epoch.Length > 0, text);
            }
        }
    }
}
