namespace CommunityStream.Media.Hls.Packaging;

/// <summary>How a channel's packager cuts parts and segments and what it lets a publisher make it hold.</summary>
/// <param name="PartTarget">EXT-X-PART-INF PART-TARGET, the one value the playlist declares: no part is longer, and
/// every part but a segment's last (and the stream's last) lasts at least <see cref="PartFloor"/>.</param>
/// <param name="SegmentTarget">The window's segment target: an IDR starts an independent part (and so a segment) only
/// once the segment in progress has lasted this long.</param>
/// <param name="Limits">Bounds of the H.264 depacketizer.</param>
/// <param name="MaxQueuedAudioSamples">Opus packets waiting for their part beyond which the oldest are dropped.</param>
internal sealed record CmafPackagerOptions(TimeSpan PartTarget, TimeSpan SegmentTarget, H264DepacketizerLimits Limits, int MaxQueuedAudioSamples = 500)
{
    /// <summary>
    /// 0.5 s: whole frames fill it at the common WebRTC rates (30 fps: 15 frames, 60 fps: 30, 25 fps: 12 frames =
    /// 0.48 s, 96 %), so parts stay above the 85 % floor even with a frame of timestamp jitter (30 fps: 14 frames =
    /// 0.467 s). At 1/3 s, 25 fps gives 8 frames (0.32 s) and one jittered frame less falls under the floor.
    /// </summary>
    public static CmafPackagerOptions Default { get; } = new(TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(2), H264DepacketizerLimits.Default);

    /// <summary>RFC 8216bis §4.4.4.9: a part other than its segment's last lasts at least 85 % of PART-TARGET.</summary>
    public TimeSpan PartFloor => PartTarget * 0.85;

    /// <summary>A segment this long is cut at its next part even without an IDR (the window's own rule, mirrored).</summary>
    public TimeSpan HardCut => 2 * SegmentTarget - PartTarget;
}
