namespace CommunityStream.MediaLoad;

/// <summary>
/// Just enough of the VP8 RTP payload format (RFC 7741) for an SFU's keyframe logic: a one-byte payload descriptor
/// (S bit on a frame's first packet, partition 0) and, on that first packet, the VP8 frame header (RFC 6386 §9.1):
/// a 3-byte frame tag whose low bit P is 0 for a keyframe, plus start code and size for keyframes.
/// </summary>
internal static class Vp8PayloadFormat
{
    public const int DescriptorLength = 1;
    public const int KeyframeHeaderLength = 10;
    public const int InterframeHeaderLength = 3;

    private const byte StartOfPartition = 0x10;

    /// <summary>Writes the descriptor and, for a frame's first packet, the frame header; returns the bytes written.</summary>
    public static int WriteStart(Span<byte> payload, bool firstPacketOfFrame, bool keyframe, int width = 640, int height = 480)
    {
        payload[0] = firstPacketOfFrame ? StartOfPartition : (byte)0;
        if (!firstPacketOfFrame)
        {
            return DescriptorLength;
        }
        // Frame tag: P (0 = key), version 0, show_frame 1, first_part_size 0 (nobody decodes these frames).
        var header = payload[DescriptorLength..];
        header[0] = (byte)(0x10 | (keyframe ? 0 : 1));
        header[1] = 0;
        header[2] = 0;
        if (!keyframe)
        {
            return DescriptorLength + InterframeHeaderLength;
        }
        header[3] = 0x9D;
        header[4] = 0x01;
        header[5] = 0x2A;
        header[6] = (byte)width;
        header[7] = (byte)((width >> 8) & 0x3F);
        header[8] = (byte)height;
        header[9] = (byte)((height >> 8) & 0x3F);
        return DescriptorLength + KeyframeHeaderLength;
    }

    /// <summary>True for the first packet of a keyframe (what an SFU waits for before forwarding to a new viewer).</summary>
    public static bool IsKeyframeStart(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < DescriptorLength + InterframeHeaderLength)
        {
            return false;
        }
        var descriptor = payload[0];
        var extended = (descriptor & 0x80) != 0;
        if ((descriptor & StartOfPartition) == 0 || (descriptor & 0x07) != 0 || extended)
        {
            // Our publisher never sets X; a descriptor with extensions is not one of ours.
            return false;
        }
        return (payload[DescriptorLength] & 0x01) == 0;
    }
}
