namespace CommunityStream.Media.Streams;

/// <summary>The publishing session of a live channel and when its node last vouched for it.</summary>
internal sealed record LiveSession(string SessionId, string Node, DateTimeOffset StartedAt, DateTimeOffset LastHeartbeat, StreamQuality Quality);
