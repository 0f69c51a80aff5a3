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
    /// <summary>Complete segments a window keeps at least, besides the live one (unless over <see cref="MaxWindowBytes"/>).</summary>
    public const int MinSegments = 6;

    /// <summary>A part larger than this is dropped (a hostile or broken publisher); the window then waits for a keyframe.</summary>
    public int MaxPartBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>A window holding more than this drops its oldest complete segments even below the retention and <see cref="MinSegments"/>.</summary>
    public long MaxWindowBytes { get; init; } = 64 * 1024 * 1024;

    public static HlsWindowSettings Default { get; } = new(TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(30));

    /// <summary>EXT-X-TARGETDURATION, whole seconds: twice the segment target (see the type's remarks).</summary>
    public int TargetDuration => (int)Math.Ceiling(2 * SegmentTarget.TotalSeconds);

    /// <summary>A segment this long is cut at its next part even if that part is not independent.</summary>
    public TimeSpan HardCut => 2 * SegmentTarget - PartTarget;

    /// <summary>PART-HOLD-BACK: three part targets as written (rounded up to the millisecond): the spec's SHOULD (its MUST minimum is two).</summary>
    public TimeSpan PartHoldBack => 3 * TimeSpan.FromMilliseconds(Math.Ceiling(PartTarget.TotalMilliseconds));

    /// <summary>CAN-SKIP-UNTIL: the spec's minimum of six target durations.</summary>
    public int SkipUntil => 6 * TargetDuration;

    /// <summary>How long a blocking request is held before the answer is 503: three target durations (the spec's bound).</summary>
    public TimeSpan BlockingTimeout => TimeSpan.FromSeconds(3 * TargetDuration);

    /// <summary>
    /// RFC 8216bis §6.2.5.2 Advance Part Limit: an <c>_HLS_part</c> more than this many parts beyond the last part
    /// gets 400 — three divided by PART-TARGET in seconds when it is below one second, else three.
    /// </summary>
    public int AdvancePartLimit => PartTarget < TimeSpan.FromSeconds(1) ? (int)Math.Floor(3 / PartTarget.TotalSeconds) : 3;

    /// <summary>The first MSN of a run started at <paramref name="now"/>: Unix time in segment targets, so a channel's MSNs never go back across runs (docs/media.md).</summary>
    public long FirstMsn(DateTimeOffset now) => now.ToUnixTimeMilliseconds() / (long)SegmentTarget.TotalMilliseconds;

    /// <summary>Seconds rounded up to the millisecond: a bound (PART-TARGET) is never written below what it bounds.</summary>
    public static string SecondsUp(TimeSpan value) => (Math.Ceiling(value.TotalMilliseconds) / 1000).ToString("0.000", CultureInfo.InvariantCulture);

    /// <summary>Seconds as the playlist writes them (three decimals, invariant culture).</summary>
    public static string Seconds(TimeSpan value) => value.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture);
}
