namespace CommunityStream.Media.Streams;

/// <summary>
/// What administrators see of a channel's stream (<c>GET /admin/v1/streams/{channel}</c>): the public summary, the
/// publishing session's id and last heartbeat, and the viewers each node serves. Crosses nodes (sharding).
/// </summary>
public sealed record StreamDetails(StreamSummary Summary, string? SessionId, DateTimeOffset? LastHeartbeat, IReadOnlyList<NodeViewers> ViewersByNode);

/// <summary>How many viewers <paramref name="Node"/> serves for one stream.</summary>
public sealed record NodeViewers(string Node, int Viewers);
