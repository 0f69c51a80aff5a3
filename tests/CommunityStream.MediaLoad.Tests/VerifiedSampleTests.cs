namespace CommunityStream.MediaLoad.Tests;

/// <summary>Which viewers verify SRTP and measure delay: spread over the join order, so they see every part of a pass.</summary>
public sealed class VerifiedSampleTests
{
    [Theory]
    [InlineData(1000, 5, new[] { 199, 399, 599, 799, 999 })]
    [InlineData(4, 2, new[] { 1, 3 })]
    [InlineData(7, 3, new[] { 1, 3, 5 })]
    [InlineData(3, 5, new[] { 0, 1, 2 })]
    [InlineData(10, 0, new int[0])]
    public void Should_spread_the_sample_over_the_join_order_up_to_the_last_viewers(int viewers, int sample, int[] expected)
    {
        var verified = Enumerable.Range(0, viewers).Where(i => MediaLoadRun.IsVerified(i, viewers, sample)).ToArray();

        Assert.Equal(expected, verified);
    }
}
