namespace CommunityStream.WebRtc;

/// <summary>
/// Process-wide counters of datagrams that a WebRTC parser rejected (truncated, hostile or simply not what they claimed
/// to be). Parsers never throw on bad input; they return false and bump one of these counters so the receive loop can
/// export them as metrics.
/// </summary>
public static class ParseFailureCounters
{
    private static long _stun;
    private static long _rtp;
    private static long _rtcp;

    public static long Stun => Interlocked.Read(ref _stun);

    public static long Rtp => Interlocked.Read(ref _rtp);

    public static long Rtcp => Interlocked.Read(ref _rtcp);

    internal static void StunRejected() => Interlocked.Increment(ref _stun);

    internal static void RtpRejected() => Interlocked.Increment(ref _rtp);

    internal static void RtcpRejected() => Interlocked.Increment(ref _rtcp);
}
