using Akka.Cluster.Sharding;

namespace CommunityStream.Media.Streams;

/// <summary>Routes <see cref="IStreamCommand"/> messages to the channel's entity over a fixed number of shards.</summary>
internal sealed class StreamMessageExtractor(int maxShards) : HashCodeMessageExtractor(maxShards)
{
    public override string? EntityId(object message) => (message as IStreamCommand)?.Channel;
}

/// <summary>The <c>IRequiredActor</c> key of the stream shard region.</summary>
public sealed class StreamRegionMarker;
