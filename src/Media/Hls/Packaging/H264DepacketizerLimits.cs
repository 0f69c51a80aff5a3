namespace CommunityStream.Media.Hls.Packaging;

/// <summary>What a publisher can make the depacketizer hold: everything beyond is dropped, never grown without bound.</summary>
/// <param name="MaxAccessUnitBytes">Largest picture kept (AVCC bytes); a larger one is dropped like a loss.</param>
/// <param name="ReorderPackets">Packets held while waiting for a missing sequence number before it counts as lost.</param>
/// <param name="MaxParameterSetBytes">Largest SPS or PPS accepted.</param>
internal sealed record H264DepacketizerLimits(int MaxAccessUnitBytes = 4 << 20, int ReorderPackets = 8, int MaxParameterSetBytes = 256)
{
    public static H264DepacketizerLimits Default { get; } = new();
}
