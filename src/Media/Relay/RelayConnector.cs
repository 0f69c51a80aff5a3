using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using Akka.Streams;
using CommunityStream.Media.Forwarding;
using CommunityStream.Media.Sessions;
using CommunityStream.Media.Streams;

namespace CommunityStream.Media.Relay;

/// <summary>
/// Opens the one relay this node needs for a stream published elsewhere, the first time a viewer here asks for it;
/// later viewers attach to the same feed (its owner, a <see cref="RelayFeedActor"/>, started by the node's
/// <see cref="MediaFeedsActor"/>). Setting up is serialized so two viewers arriving together never open two relays.
/// </summary>
internal sealed class RelayConnector(MediaSessions sessions, ActorSystem system, IRequiredActor<StreamRegionMarker> region, IRequiredActor<MediaFeedsMarker> feeds) : IDisposable
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>The local feed for <paramref name="channel"/>, relayed from <paramref name="publisherNode"/>; null when that node cannot provide it.</summary>
    public async Task<LiveFeed?> ConnectAsync(string channel, string publisherNode, CancellationToken cancel)
    {
        await _gate.WaitAsync(cancel);
        try
        {
            if (sessions.FindFeed(channel) is { } existing)
            {
                return existing;
            }
            var self = Cluster.Get(system).SelfAddress.ToString();
            if (publisherNode == self)
            {
                return null;
            }
            var origin = system.ActorSelection($"{publisherNode}/user/{MediaRelayActor.Name}");
            if (await origin.Ask<object>(new RelayMessages.Describe(channel), AskTimeout, cancel) is not RelayMessages.Tracks tracks
                || await origin.Ask<object>(new RelayMessages.Open(channel), AskTimeout, cancel) is not ISourceRef<MediaPacket> source)
            {
                return null;
            }
            var start = new SessionCommands.StartRelay(channel, tracks.Published.Select(t => t.ToTrack()).ToList(), source, origin, await region.GetAsync(cancel), self);
            return await SessionAsks.AskAsync(await feeds.GetAsync(cancel), start, cancel) is SessionReplies.FeedStarted started ? started.Feed : null;
        }
        catch (AskTimeoutException)
        {
            return null;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
