using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using CommunityStream.Media.Relay;
using CommunityStream.Media.Sessions;
using CommunityStream.Media.Streams;
using Microsoft.Extensions.Logging;

namespace CommunityStream.Media.Administration;

/// <summary>What ending a stream came to.</summary>
internal enum EndStreamOutcome
{
    /// <summary>The publisher's session closed: its viewers too, and the room heard <c>stream live:false</c>.</summary>
    Ended,

    /// <summary>The channel is not live.</summary>
    NotLive,

    /// <summary>The publisher's node did not answer in time.</summary>
    Unanswered,
}

/// <summary>
/// The operators' side of the media module: the live streams, one stream's details, and ending any stream
/// wherever its publisher's node is. Ending closes the publisher's session exactly as a WHIP DELETE does
/// (<see cref="PublisherSessionActor"/> stops its viewers, completes the fan-out and tells the stream entity, whose
/// <c>StreamStatusChanged</c> tells the chat room); on another node through that node's relay actor.
/// </summary>
internal sealed partial class MediaAdministration(
    ActorSystem system,
    IRequiredActor<StreamRegionMarker> region,
    MediaSessions sessions,
    StreamDirectory directory,
    ILogger<MediaAdministration> log)
{
    public IReadOnlyList<StreamSummary> Live() => directory.Live(DateTimeOffset.UtcNow);

    /// <summary>The entity's details and the publisher's codecs (asked of its node); null when the entity did not answer.</summary>
    public async Task<(StreamDetails Details, IReadOnlyList<RelayTrack> Tracks)?> DetailsAsync(string channel, CancellationToken cancel)
    {
        if (await region.AskAsync(new StreamCommands.GetDetails(channel), cancel) is not StreamDetails details)
        {
            return null;
        }
        IReadOnlyList<RelayTrack> tracks = [];
        if (details.Summary.PublisherNode is { } node)
        {
            if (node == Self)
            {
                if (sessions.FindFeed(channel) is { Relayed: false } feed)
                {
                    tracks = [.. feed.Tracks.Select(RelayTrack.From)];
                }
            }
            else if (await OtherNodes.AskRelayAsync(system, node, new RelayMessages.Describe(channel), cancel) is RelayMessages.Tracks published)
            {
                tracks = published.Published;
            }
        }
        return (details, tracks);
    }

    /// <summary>Ends <paramref name="channel"/>'s stream on whichever node holds its publisher; <paramref name="by"/> is logged.</summary>
    public async Task<EndStreamOutcome> EndAsync(string channel, string by, string reason, CancellationToken cancel)
    {
        // The entity knows the publisher's node; a feed here is checked too, in case the entity has not heard of it yet.
        var node = sessions.FindFeed(channel) is { Relayed: false }
            ? Self
            : (await region.AskAsync(new StreamCommands.GetSummary(channel), cancel) as StreamSummary)?.PublisherNode;
        if (node is null)
        {
            return EndStreamOutcome.NotLive;
        }
        var outcome = node == Self ? await EndHereAsync(channel, reason, cancel) : (await OtherNodes.AskRelayAsync(system, node, new RelayMessages.EndPublication(channel, reason), cancel)) switch
        {
            RelayMessages.SessionEnded => EndStreamOutcome.Ended,
            null => EndStreamOutcome.Unanswered,
            _ => EndStreamOutcome.NotLive,
        };
        LogEnded(log, by, channel, node, outcome, reason);
        return outcome;
    }

    /// <summary>Ends the stream if its publisher is on this node (the disabled-account sweep's path); false when it is not.</summary>
    public async Task<EndStreamOutcome> EndHereAsync(string channel, string reason, CancellationToken cancel)
    {
        if (sessions.EndPublicationHere(channel, reason, cancel) is not { } ending)
        {
            return EndStreamOutcome.NotLive;
        }
        return await ending ? EndStreamOutcome.Ended : EndStreamOutcome.Unanswered;
    }

    /// <summary>Channels published on this node.</summary>
    public IEnumerable<string> PublishedHere() => sessions.Feeds().Where(f => !f.Relayed).Select(f => f.Channel);

    /// <summary>Channels published on this node with the owner's access token, and when each started.</summary>
    public IReadOnlyDictionary<string, DateTimeOffset> PublishedHereByAccessToken() =>
        sessions.Feeds().Where(f => !f.Relayed && f.TokenStartedAt is not null).ToDictionary(f => f.Channel, f => f.TokenStartedAt!.Value, StringComparer.Ordinal);

    private string Self => Cluster.Get(system).SelfAddress.ToString();

    [LoggerMessage(Level = LogLevel.Information, Message = "Admin {By} ended the stream of {Channel} on {Node}: {Outcome} ({Reason})")]
    private static partial void LogEnded(ILogger logger, string by, string channel, string node, EndStreamOutcome outcome, string reason);
}
