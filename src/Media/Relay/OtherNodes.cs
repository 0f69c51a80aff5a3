using Akka.Actor;
using Akka.Cluster;

namespace CommunityStream.Media.Relay;

/// <summary>
/// Asks other nodes' relay actors about sessions held there: one node when it is known (the publisher's), or every
/// other Up member at once (a load balancer sends a viewer's DELETE or PATCH wherever it likes). Each answer is the
/// reply, or null for a node that did not answer in time.
/// </summary>
internal static class OtherNodes
{
    public static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    public static Task<object?[]> AskRelaysAsync(ActorSystem system, object message, CancellationToken cancel)
    {
        var cluster = Cluster.Get(system);
        var asks = cluster.State.Members
            .Where(m => m.Status == MemberStatus.Up && m.Address != cluster.SelfAddress)
            .Select(m => AskRelayAsync(system, m.Address.ToString(), message, cancel));
        return Task.WhenAll(asks);
    }

    /// <summary>Asks one node's relay actor; null when it did not answer in time.</summary>
    public static async Task<object?> AskRelayAsync(ActorSystem system, string node, object message, CancellationToken cancel)
    {
        try
        {
            return await system.ActorSelection($"{node}/user/{MediaRelayActor.Name}").Ask<object>(message, AskTimeout, cancel);
        }
        catch (AskTimeoutException)
        {
            return null;
        }
    }
}
