using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;

namespace CommunityStream.Media.Streams;

/// <summary>Subscribes this node to the stream summaries and keeps <see cref="StreamDirectory"/> current.</summary>
internal sealed class StreamDirectorySubscriber : ReceiveActor
{
    public StreamDirectorySubscriber(StreamDirectory directory)
    {
        DistributedPubSub.Get(Context.System).Mediator.Tell(new Subscribe(StreamDirectory.Topic, Self));
        Receive<SubscribeAck>(_ => { });
        Receive<StreamSummary>(summary => directory.Update(summary, DateTimeOffset.UtcNow));
    }
}
