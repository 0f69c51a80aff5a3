using System.Collections.Immutable;
using static CommunityStream.Media.Streams.StreamCommands;

namespace CommunityStream.Media.Streams;

/// <summary>
/// One channel's stream: settings (persisted), and the live session with viewer counts per node (in memory: they
/// die with the nodes that hold the transports, and heartbeats rebuild them after the entity moves).
/// Pure: <see cref="Process"/> decides, the actor persists, replies and publishes.
/// </summary>
internal sealed record StreamState(
    string Channel,
    string Title,
    bool Private,
    LiveSession? Live,
    ImmutableDictionary<string, (int Viewers, DateTimeOffset At)> ViewersByNode)
{
    /// <summary>A publisher whose node stops vouching for it this long is taken as gone (its node died).</summary>
    public static readonly TimeSpan HeartbeatTimeout = TimeSpan.FromSeconds(10);

    public const int MaxTitleLength = 140;

    public static StreamState Offline(string channel) =>
        new(channel, "", false, null, ImmutableDictionary<string, (int, DateTimeOffset)>.Empty);

    public int Viewers => Live is null ? 0 : ViewersByNode.Values.Sum(v => v.Viewers);

    public StreamSummary Summary() =>
        new(Channel, Title, Live is not null, Private, Live?.StartedAt, Viewers, Live?.Node, Live?.Quality ?? StreamQuality.None);

    /// <summary>The summary plus what only administrators see: the publishing session and viewers per node.</summary>
    public StreamDetails Details() => new(
        Summary(),
        Live?.SessionId,
        Live?.LastHeartbeat,
        Live is null ? [] : ViewersByNode.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => new NodeViewers(v.Key, v.Value.Viewers)).ToList());

    public StreamState Apply(StreamEvents.SettingsChanged changed) => this with { Title = changed.Title, Private = changed.Private };

    /// <summary>The decision for one command: the reply (if any), the state after it, and whether the live status changed.</summary>
    public (object? Reply, StreamState Next, bool StatusChanged) Process(IStreamCommand command, DateTimeOffset now) => command switch
    {
        StartPublishing start when Live is { } live && live.SessionId != start.SessionId && now - live.LastHeartbeat < HeartbeatTimeout =>
            (new StreamReplies.Rejected("already_live", $"Channel '{Channel}' is already live from another session."), this, false),
        StartPublishing start =>
            (new StreamReplies.Accepted(start.SessionId),
             this with { Live = new LiveSession(start.SessionId, start.Node, start.StartedAt, now, StreamQuality.None), ViewersByNode = ViewersByNode.Clear() },
             true),
        PublisherHeartbeat beat when Live is { } live && live.SessionId == beat.SessionId =>
            (null, this with { Live = live with { LastHeartbeat = now, Quality = beat.Quality } }, false),
        // The entity moved (its node left) while the publisher kept streaming: the heartbeat brings the stream back.
        PublisherHeartbeat beat when Live is null =>
            (null, this with { Live = new LiveSession(beat.SessionId, beat.Node, beat.StartedAt, now, beat.Quality) }, true),
        PublisherHeartbeat => (null, this, false),
        StopPublishing stop when Live is { } live && live.SessionId == stop.SessionId =>
            (null, this with { Live = null, ViewersByNode = ViewersByNode.Clear() }, true),
        StopPublishing => (null, this, false),
        ReportViewers report when Live is not null =>
            (null, this with { ViewersByNode = report.Viewers == 0 ? ViewersByNode.Remove(report.Node) : ViewersByNode.SetItem(report.Node, (report.Viewers, now)) }, false),
        ReportViewers => (null, this, false),
        GetSummary => (Summary(), this, false),
        GetDetails => (Details(), this, false),
        _ => (null, this, false),
    };

    /// <summary>Drops a publisher whose node went quiet and viewer counts nobody refreshed.</summary>
    public (StreamState Next, bool StatusChanged) Expire(DateTimeOffset now)
    {
        if (Live is { } live && now - live.LastHeartbeat >= HeartbeatTimeout)
        {
            return (this with { Live = null, ViewersByNode = ViewersByNode.Clear() }, true);
        }
        var stale = ViewersByNode.Where(v => now - v.Value.At >= HeartbeatTimeout).Select(v => v.Key).ToList();
        return (stale.Count == 0 ? this : this with { ViewersByNode = ViewersByNode.RemoveRange(stale) }, false);
    }

    /// <summary>Validates a settings change; the event to persist, or an error message.</summary>
    public (StreamEvents.SettingsChanged? Event, string? Error) Decide(UpdateSettings update)
    {
        var title = update.Title?.Trim() ?? Title;
        if (title.Length > MaxTitleLength || title.Any(char.IsControl))
        {
            return (null, $"A title is at most {MaxTitleLength} characters without control characters.");
        }
        return (new StreamEvents.SettingsChanged(title, update.Private ?? Private), null);
    }
}
