namespace CommunityStream.Media.Hls.Packaging;

/// <summary>
/// What the packager needs from an H.264 SPS (§7.3.2.1.1): the profile for <c>avcC</c> and the displayed size for
/// the sample entry and <c>tkhd</c> (macroblocks minus the frame cropping).
/// </summary>
internal sealed record H264SequenceParameterSet(
    byte ProfileIdc,
    byte ConstraintFlags,
    byte LevelIdc,
    int ChromaFormatIdc,
    int BitDepthLumaMinus8,
    int BitDepthChromaMinus8,
    int Width,
    int Height)
{
    /// <summary>Profiles whose SPS carries chroma format and bit depth (and whose avcC has the extension fields).</summary>
    public static bool IsHighProfile(int profileIdc) =>
        profileIdc is 100 or 110 or 122 or 244 or 44 or 83 or 86 or 118 or 128 or 138 or 139 or 134 or 135;

    /// <summary>Parses a whole SPS NAL unit (header byte included); null when it is truncated or out of range.</summary>
    public static H264SequenceParameterSet? TryParse(ReadOnlySpan<byte> nal)
    {
        if (nal.Length < 4 || (nal[0] & 0x1F) != 7)
        {
            return null;
        }
        var reader = new RbspBitReader(nal[1..]);
        var profile = (byte)reader.ReadBits(8);
        var constraints = (byte)reader.ReadBits(8);
        var level = (byte)reader.ReadBits(8);
        if (reader.ReadUnsignedExpGolomb() > 31)
        {
            return null;
        }
        var chromaFormat = 1;
        var separateColourPlane = false;
        int bitDepthLuma = 0, bitDepthChroma = 0;
        if (IsHighProfile(profile))
        {
            chromaFormat = (int)reader.ReadUnsignedExpGolomb();
            if (chromaFormat > 3)
            {
                return null;
            }
            if (chromaFormat == 3)
            {
                separateColourPlane = reader.ReadBit() == 1;
            }
            bitDepthLuma = (int)reader.ReadUnsignedExpGolomb();
            bitDepthChroma = (int)reader.ReadUnsignedExpGolomb();
            if (bitDepthLuma > 6 || bitDepthChroma > 6)
            {
                return null;
            }
            reader.ReadBit(); // qpprime_y_zero_transform_bypass_flag
            if (reader.ReadBit() == 1)
            {
                var lists = chromaFormat != 3 ? 8 : 12;
                for (var i = 0; i < lists && !reader.Overrun; i++)
                {
                    if (reader.ReadBit() == 1)
                    {
                        SkipScalingList(ref reader, i < 6 ? 16 : 64);
                    }
                }
            }
        }
        if (reader.ReadUnsignedExpGolomb() > 12) // log2_max_frame_num_minus4
        {
            return null;
        }
        var pocType = reader.ReadUnsignedExpGolomb();
        if (pocType == 0)
        {
            reader.ReadUnsignedExpGolomb(); // log2_max_pic_order_cnt_lsb_minus4
        }
        else if (pocType == 1)
        {
            reader.ReadBit(); // delta_pic_order_always_zero_flag
            reader.ReadSignedExpGolomb(); // offset_for_non_ref_pic
            reader.ReadSignedExpGolomb(); // offset_for_top_to_bottom_field
            var cycle = reader.ReadUnsignedExpGolomb();
            if (cycle > 255)
            {
                return null;
            }
            for (var i = 0; i < cycle && !reader.Overrun; i++)
            {
                reader.ReadSignedExpGolomb();
            }
        }
        else if (pocType > 2)
        {
            return null;
        }
        reader.ReadUnsignedExpGolomb(); // max_num_ref_frames
        reader.ReadBit(); // gaps_in_frame_num_value_allowed_flag
        var widthInMbs = reader.ReadUnsignedExpGolomb() + 1;
        var heightInMapUnits = reader.ReadUnsignedExpGolomb() + 1;
        var frameMbsOnly = reader.ReadBit();
        if (frameMbsOnly == 0)
        {
            reader.ReadBit(); // mb_adaptive_frame_field_flag
        }
        reader.ReadBit(); // direct_8x8_inference_flag
        uint cropLeft = 0, cropRight = 0, cropTop = 0, cropBottom = 0;
        if (reader.ReadBit() == 1)
        {
            cropLeft = reader.ReadUnsignedExpGolomb();
            cropRight = reader.ReadUnsignedExpGolomb();
            cropTop = reader.ReadUnsignedExpGolomb();
            cropBottom = reader.ReadUnsignedExpGolomb();
        }
        if (reader.Overrun || widthInMbs > 1024 || heightInMapUnits > 1024)
        {
            return null;
        }
        var chromaArrayType = separateColourPlane ? 0 : chromaFormat;
        var (subWidth, subHeight) = chromaFormat switch { 1 => (2, 2), 2 => (2, 1), _ => (1, 1) };
        var cropUnitX = chromaArrayType == 0 ? 1 : subWidth;
        var cropUnitY = (chromaArrayType == 0 ? 1 : subHeight) * (2 - (int)frameMbsOnly);
        var width = (long)widthInMbs * 16 - cropUnitX * ((long)cropLeft + cropRight);
        var height = (2 - (long)frameMbsOnly) * heightInMapUnits * 16 - cropUnitY * ((long)cropTop + cropBottom);
        if (width <= 0 || height <= 0)
        {
            return null;
        }
        return new H264SequenceParameterSet(profile, constraints, level, chromaFormat, bitDepthLuma, bitDepthChroma, (int)width, (int)height);
    }

    private static void SkipScalingList(ref RbspBitReader reader, int size)
    {
        int last = 8, next = 8;
        for (var j = 0; j < size && !reader.Overrun; j++)
        {
            if (next != 0)
            {
                next = (last + reader.ReadSignedExpGolomb() + 256) % 256;
            }
            last = next == 0 ? last : next;
        }
    }
}
