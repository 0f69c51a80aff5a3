namespace CommunityStream.Media.Streams;

/// <summary>A message for one channel's <see cref="StreamActor"/>, routed by <see cref="Channel"/>.</summary>
public interface IStreamCommand
{
    string Channel { get; }
}

/// <summary>Messages the stream entity handles; every one crosses nodes through sharding.</summary>
public static class StreamCommands
{
    /// <summary>A WHIP session wants to go live; answered with <see cref="StreamReplies.Accepted"/> or <see cref="StreamReplies.Rejected"/>.</summary>
    public sealed record StartPublishing(string Channel, string SessionId, string Node, DateTimeOffset StartedAt) : IStreamCommand;

    /// <summary>The publisher's node, every few seconds: the session is alive, with its quality and local viewers.</summary>
    public sealed record PublisherHeartbeat(string Channel, string SessionId, string Node, DateTimeOffset StartedAt, StreamQuality Quality) : IStreamCommand;

    /// <summary>The publishing session ended (DELETE, transport closed, or taken down).</summary>
    public sealed record StopPublishing(string Channel, string SessionId, string Reason) : IStreamCommand;

    /// <summary>How many viewers one node serves for this channel (sent on change and periodically).</summary>
    public sealed record ReportViewers(string Channel, string Node, int Viewers) : IStreamCommand;

    /// <summary>Answered with <see cref="StreamSummary"/>.</summary>
    public sealed record GetSummary(string Channel) : IStreamCommand;

    /// <summary>For administrators; answered with <see cref="StreamDetails"/>.</summary>
    public sealed record GetDetails(string Channel) : IStreamCommand;

    /// <summary>The owner or an admin changes the title or privacy; answered with <see cref="StreamSummary"/>.</summary>
    public sealed record UpdateSettings(string Channel, string? Title, bool? Private) : IStreamCommand;
}

/// <summary>Replies of the stream entity.</summary>
public static class StreamReplies
{
    public sealed record Accepted(string SessionId);

    /// <summary>Code <c>already_live</c> when another session publishes.</summary>
    public sealed record Rejected(string Code, string Message);
}

/// <summary>What the entity persists: only settings; live state lives with the publisher's transport.</summary>
public static class StreamEvents
{
    public sealed record SettingsChanged(string Title, bool Private);
}
