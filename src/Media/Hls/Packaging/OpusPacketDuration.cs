namespace CommunityStream.Media.Hls.Packaging;

/// <summary>An Opus packet's length in 48 kHz samples from its TOC byte (RFC 6716 §3.1, §3.2.5).</summary>
internal static class OpusPacketDuration
{
    /// <summary>Samples at 48 kHz, or 0 for an empty or malformed packet (or one over the 120 ms limit).</summary>
    public static int Samples(ReadOnlySpan<byte> packet)
    {
        if (packet.Length == 0)
        {
            return 0;
        }
        var toc = packet[0];
        var config = toc >> 3;
        var frameSize = config switch
        {
            < 12 => (config & 3) switch { 0 => 480, 1 => 960, 2 => 1920, _ => 2880 }, // SILK: 10, 20, 40, 60 ms
            < 16 => (config & 1) == 0 ? 480 : 960, // Hybrid: 10, 20 ms
            _ => 120 << (config & 3), // CELT: 2.5, 5, 10, 20 ms
        };
        int frames;
        switch (toc & 3)
        {
            case 0:
                frames = 1;
                break;
            case 1 or 2:
                frames = 2;
                break;
            default:
                if (packet.Length < 2)
                {
                    return 0;
                }
                frames = packet[1] & 0x3F;
                break;
        }
        var samples = frames * frameSize;
        return samples is > 0 and <= 5760 ? samples : 0;
    }
}
