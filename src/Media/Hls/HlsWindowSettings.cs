using System.Globalization;

namespace CommunityStream.Media.Hls;

/// <summary>
/// The timing of a channel's window and playlist.
/// <para>
/// <b>TARGETDURATION.</b> A segment starts at the first independent part at or after <see cref="SegmentTarget"/>
/// (2 s): when the publisher's GOP is longer, the window asks for a keyframe at the target and the segment runs on
/// until the IDR arrives (a PLI's round trip, usually a few hundred ms). A segment never waits past
/// <see cref="HardCut"/> (2 × target − part target): it is then cut at the next part even without an IDR, so no
/// segment exceeds 2 × target + one part less a part target. TARGETDURATION is declared once as 2 × target (4 s) and
/// never changes; a segment's EXTINF rounded to the nearest integer therefore never exceeds it.
/// </para>
/// </summary>
/// <param name="SegmentTarget">A segment's intended duration.</param>
/// <param name="PartTarget">EXT-X-PART-INF PART-TARGET: the packager's parts are at most this long.</param>
/// <param name="Retain">Complete segments kept at least this long (and at least <see cref="MinSegments"/> of them).</param>
internal sealed record HlsWindowSettings(TimeSpan SegmentTarget, TimeSpan PartTarget, TimeSpan Retain)
{
    /// <summary>Complete segments a window keeps at least, besides the live one.</summary>
    public const int MinSegments = 6;

    public static HlsWindowSettings Default { get; } = new(TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(30));

    /// <summary>EXT-X-TARGETDURATION, whole seconds: twice the segment target (see the type's remarks).</summary>
    public int TargetDuration => (int)Math.Ceiling(2 * SegmentTarget.TotalSeconds);

    /// <summary>A segment this long is cut at its next part even if that part is not independent.</summary>
    public TimeSpan HardCut => 2 * SegmentTarget - PartTarget;

    /// <summary>PART-HOLD-BACK: three part targets as written (rounded up to the millisecond), the spec's minimum.</summary>
    public TimeSpan PartHoldBack => 3 * TimeSpan.FromMilliseconds(Math.Ceiling(PartTarget.TotalMilliseconds));

    /// <summary>CAN-SKIP-UNTIL: the spec's minimum of six target durations.</summary>
    public int SkipUntil => 6 * TargetDuration;

    /// <summary>How long a blocking request is held before the answer is 503: three target durations (the spec's bound).</summary>
    public TimeSpan BlockingTimeout => TimeSpan.FromSeconds(3 * TargetDuration);

    /// <summary>Seconds rounded up to the millisecond: a bound (PART-TARGET) is never written below what it bounds.</summary>
    public static string SecondsUp(TimeSpan value) => (Math.Ceiling(value.TotalMilliseconds) / 1000).ToString("0.000", CultureInfo.InvariantCulture);

    /// <summary>Seconds as the playlist writes them (three decimals, invariant culture).</summary>
    public static string Seconds(TimeSpan value) => value.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture);
}
