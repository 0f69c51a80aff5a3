using CommunityStream.BuildingBlocks.Integration;
using CommunityStream.Media.Streams;

namespace CommunityStream.Media.Administration;

/// <summary>The account's live stream, if any, from this node's stream directory (its channel is its username).</summary>
internal sealed class LiveStreamActivity(StreamDirectory directory) : IUserActivitySource
{
    public string Name => "liveStream";

    public Task<object?> DescribeAsync(Guid userId, string username, CancellationToken cancellationToken)
    {
        var channel = ChannelName.TryNormalize(username);
        var live = channel is null ? null : directory.Live(DateTimeOffset.UtcNow).FirstOrDefault(s => s.Channel == channel);
        return Task.FromResult<object?>(live is null ? null : LiveStreamResponse.From(live));
    }
}
