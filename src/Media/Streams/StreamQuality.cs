namespace CommunityStream.Media.Streams;

/// <summary>
/// The publisher's stream as the server receives it, measured on the node holding its transport: video and audio
/// bitrate over the last report interval, packets lost (sequence gaps, RFC 3550 A.3), interarrival jitter and the
/// time between video keyframes.
/// </summary>
public sealed record StreamQuality(
    long VideoBitsPerSecond,
    long AudioBitsPerSecond,
    long PacketsReceived,
    long PacketsLost,
    double JitterMilliseconds,
    double KeyframeIntervalSeconds,
    long KeyframeRequests)
{
    public static StreamQuality None { get; } = new(0, 0, 0, 0, 0, 0, 0);
}
