namespace CommunityStream.BuildingBlocks.Integration;

/// <summary>
/// Integration event: a channel went live or offline. The Media module publishes it once per change on the
/// DistributedPubSub topic <see cref="Topic"/>; other modules (the channel's chat room) subscribe without depending
/// on Media.
/// </summary>
public sealed record StreamStatusChanged(string Channel, bool Live, string Title, DateTimeOffset At)
{
    public const string Topic = "integration:stream-status";
}
