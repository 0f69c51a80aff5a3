namespace CommunityStream.Media.Streams;

/// <summary>What the stream list and <c>GET /api/streams/{channel}</c> show about a channel.</summary>
public sealed record StreamSummary(
    string Channel,
    string Title,
    bool Live,
    bool Private,
    DateTimeOffset? StartedAt,
    int Viewers,
    string? PublisherNode,
    StreamQuality Quality);
