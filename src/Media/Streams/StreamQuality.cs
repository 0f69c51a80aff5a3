namespace CommunityStream.Media.Streams;

/// <summary>
/// The publisher's stream as the server receives it, measured on the node holding its transport: video and audio
/// bitrate over the last report interval, packets lost (sequence gaps, RFC 3550 A.3), interarrival jitter and the
/// time between video keyframes; and how that node's fan-out keeps up: viewer copies sent, packets dropped before
/// their fan-out (queue overflow, older than the fan-out's age bound), copies the socket refused (send buffer full)
/// and the oldest a packet was when its fan-out began during the last interval; the fan-out's passes (a pass takes
/// every packet queued meanwhile) and copies that rode in another copy's UDP GSO message; and the median and 99th
/// percentile over the last interval of a packet's time from decryption to its last viewer copy handed to the kernel
/// (the server's share of a viewer's delay; never below the true value, at most 25 % above it).
/// </summary>
public sealed record StreamQuality(
    long VideoBitsPerSecond,
    long AudioBitsPerSecond,
    long PacketsReceived,
    long PacketsLost,
    double JitterMilliseconds,
    double KeyframeIntervalSeconds,
    long KeyframeRequests,
    long CopiesForwarded = 0,
    long FanoutDrops = 0,
    long CopiesRefused = 0,
    double FanoutLagMaxMilliseconds = 0,
    long FanoutPasses = 0,
    long CopiesCoalesced = 0,
    double ForwardingDelayP50Milliseconds = 0,
    double ForwardingDelayP99Milliseconds = 0)
{
    public static StreamQuality None { get; } = new(0, 0, 0, 0, 0, 0, 0);
}
