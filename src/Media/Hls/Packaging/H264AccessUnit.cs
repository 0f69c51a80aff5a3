namespace CommunityStream.Media.Hls.Packaging;

/// <summary>
/// One whole picture from RTP: its NAL units in AVCC form (4-byte big-endian lengths), without SPS, PPS and access
/// unit delimiters (the init segment's avcC carries the parameter sets in force, <see cref="Configuration"/>).
/// </summary>
internal sealed record H264AccessUnit(uint Timestamp, bool Idr, byte[] Data, H264Configuration Configuration, long ReceivedAt);
