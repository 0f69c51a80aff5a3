namespace CommunityStream.WebRtc;

/// <summary>
/// Process-wide counters of datagrams that a WebRTC parser rejected (truncated, hostile or simply not what they claimed
/// to be). Parsers never throw on bad input; they return false and bump one of these counters, which a host can
/// export as metrics.
/// </summary>
public static class ParseFailureCounters
{
    private static long _stun;
    private static long _rtp;
    private static long _rtcp;

    /// <summary>STUN datagrams rejected by <see cref="Stun.StunMessageReader.TryParse"/> since the process started.</summary>
    public static long Stun => Interlocked.Read(ref _stun);

    /// <summary>RTP packets rejected by <see cref="Rtp.RtpHeader"/> since the process started.</summary>
    public static long Rtp => Interlocked.Read(ref _rtp);

    /// <summary>RTCP packets rejected by the compound reader or a typed RTCP parser since the process started.</summary>
    public static long Rtcp => Interlocked.Read(ref _rtcp);

    internal static void StunRejected() => Interlocked.Increment(ref _stun);

    internal static void RtpRejected() => Interlocked.Increment(ref _rtp);

    internal static void RtcpRejected() => Interlocked.Increment(ref _rtcp);
}
