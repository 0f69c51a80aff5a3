using System.Text;
using CommunityStream.Chat.Gateway;

namespace CommunityStream.Chat.Tests.Gateway;

/// <summary>Inputs the fuzz run (bench/CommunityStream.Fuzz) found: the parser answers an error, never throws.</summary>
public sealed class ClientFrameParserTests
{
    [Theory]
    [InlineData("""{"type":"join","room":"\ud800channel:alice","history":50}""")]
    [InlineData("""{"type":"\udc00"}""")]
    [InlineData("""{"type":"ping","ref":"\ud83d"}""")]
    [InlineData("""{"type":"mod","room":"r","action":"timeout","sec\ud800onds":600}""")]
    public void Should_answer_bad_json_for_half_a_surrogate_pair_in_a_value_or_a_name(string frame)
    {
        var (parsed, error) = ClientFrameParser.Parse(Encoding.UTF8.GetBytes(frame));

        Assert.Null(parsed);
        Assert.Equal("bad_json", error?.Code);
    }

    [Fact]
    public void Should_still_read_a_whole_surrogate_pair()
    {
        var (parsed, error) = ClientFrameParser.Parse(Encoding.UTF8.GetBytes("""{"type":"send","room":"r","text":"\ud83d\ude00"}"""));

        Assert.Null(error);
        Assert.Equal("\U0001F600", parsed?.Text);
    }
}
