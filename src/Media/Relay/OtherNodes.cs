using Akka.Actor;
using Akka.Cluster;

namespace CommunityStream.Media.Relay;

/// <summary>
/// Asks the relay actor of every other Up member at once, for requests about a session that may live on any node
/// (a load balancer sends a session's DELETE or PATCH wherever it likes). Each answer is the reply, or null for a
/// node that did not answer in time.
/// </summary>
internal static class OtherNodes
{
    public static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    public static Task<object?[]> AskRelaysAsync(ActorSystem system, object message, CancellationToken cancel)
    {
        var cluster = Cluster.Get(system);
        var asks = cluster.State.Members
            .Where(m => m.Status == MemberStatus.Up && m.Address != cluster.SelfAddress)
            .Select(m => AskAsync(system, m.Address, message, cancel));
        return Task.WhenAll(asks);
    }

    private static async Task<object?> AskAsync(ActorSystem system, Address node, object message, CancellationToken cancel)
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
