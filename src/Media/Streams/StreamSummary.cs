using System.Text.Json.Serialization;

namespace CommunityStream.Media.Streams;

/// <summary>
/// What the stream list and <c>GET /api/streams/{channel}</c> show about a channel. <see cref="Whep"/> and
/// <see cref="Hls"/> (how to play it) are filled in by <c>GET /api/streams/{channel}</c> only.
/// </summary>
public sealed record StreamSummary(
    string Channel,
    string Title,
    bool Live,
    bool Private,
    DateTimeOffset? StartedAt,
    int Viewers,
    string? PublisherNode,
    StreamQuality Quality)
{
    /// <summary>The WHEP endpoint while live (<c>/whep/{channel}</c>); absent elsewhere.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Whep { get; init; }

    /// <summary>The channel's LL-HLS output while live: its playlist URL, or why there is none; absent elsewhere.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public StreamHls? Hls { get; init; }
}

/// <summary>
/// A live channel's LL-HLS output: <paramref name="Url"/> is the media playlist (for a private channel with a signed,
/// expiring token in the path, given to a viewer who may watch); <paramref name="Reason"/> says why there is no URL.
/// </summary>
public sealed record StreamHls(bool Available, string? Url, string? Reason);
