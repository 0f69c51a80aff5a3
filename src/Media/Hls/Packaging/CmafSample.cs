namespace CommunityStream.Media.Hls.Packaging;

/// <summary>One sample of a fragment: an H.264 access unit (AVCC) or an Opus packet, with its duration in its track's timescale.</summary>
internal readonly record struct CmafSample(byte[] Data, uint Duration, bool Sync);
