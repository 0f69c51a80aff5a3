namespace CommunityStream.Media.Hls.Packaging;

/// <summary>How a channel's packager cuts parts and what it lets a publisher make it hold.</summary>
/// <param name="PartTarget">Longest part (EXT-X-PART-INF PART-TARGET); parts are cut before they would exceed it.</param>
/// <param name="Limits">Bounds of the H.264 depacketizer.</param>
/// <param name="MaxQueuedAudioSamples">Opus packets waiting for their part beyond which the oldest are dropped.</param>
internal sealed record CmafPackagerOptions(TimeSpan PartTarget, H264DepacketizerLimits Limits, int MaxQueuedAudioSamples = 500)
{
    public static CmafPackagerOptions Default { get; } = new(TimeSpan.FromSeconds(1.0 / 3), H264DepacketizerLimits.Default);
}
