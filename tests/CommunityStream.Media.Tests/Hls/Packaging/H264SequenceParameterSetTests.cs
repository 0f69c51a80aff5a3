using CommunityStream.Media.Hls.Packaging;

namespace CommunityStream.Media.Tests.Hls.Packaging;

public sealed class H264SequenceParameterSetTests
{
    /// <summary>libx264 high profile 1920x1080 with JVT scaling matrices (cqm=jvt): cropped from 1088 lines.</summary>
    internal static readonly byte[] HighSps = Convert.FromHexString("67640028acd940780227e5c044000003000400000300f03c60c658");

    [Fact]
    public void Baseline_320x240_sps_gives_profile_level_and_size()
    {
        var sps = H264SequenceParameterSet.TryParse(Mp4BoxLayoutTests.BaselineSps)!;
        Assert.Equal(66, sps.ProfileIdc);
        Assert.Equal(0xC0, sps.ConstraintFlags);
        Assert.Equal(13, sps.LevelIdc);
        Assert.Equal((320, 240), (sps.Width, sps.Height));
    }

    [Fact]
    public void High_profile_1080p_sps_with_scaling_matrices_is_cropped_to_1080_lines()
    {
        var sps = H264SequenceParameterSet.TryParse(HighSps)!;
        Assert.Equal(100, sps.ProfileIdc);
        Assert.Equal(40, sps.LevelIdc);
        Assert.Equal(1, sps.ChromaFormatIdc);
        Assert.Equal((0, 0), (sps.BitDepthLumaMinus8, sps.BitDepthChromaMinus8));
        Assert.Equal((1920, 1080), (sps.Width, sps.Height));
    }

    [Fact]
    public void Truncated_and_random_sps_never_throw_and_truncated_ones_are_refused()
    {
        // The cropping flag is the last field read, in byte 8 (the VUI after it is not): any cut before that is refused, none throws.
        for (var length = 0; length < Mp4BoxLayoutTests.BaselineSps.Length; length++)
        {
            var sps = H264SequenceParameterSet.TryParse(Mp4BoxLayoutTests.BaselineSps.AsSpan(0, length));
            if (length < 8)
            {
                Assert.Null(sps);
            }
            else if (sps is not null)
            {
                Assert.Equal((320, 240), (sps.Width, sps.Height));
            }
        }
        var random = new Random(18);
        var parsed = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = new byte[random.Next(1, 64)];
            random.NextBytes(bytes);
            bytes[0] = 0x67;
            var sps = H264SequenceParameterSet.TryParse(bytes);
            if (sps is not null)
            {
                parsed++;
                Assert.InRange(sps.Width, 1, 1024 * 16);
                Assert.InRange(sps.Height, 1, 2 * 1024 * 16);
            }
        }
        Assert.True(parsed < 20_000);
    }

    [Fact]
    public void Exp_golomb_codes_and_emulation_prevention_bytes_read_as_the_standard_says()
    {
        // 1 | 010 | 011 | 00100 | 00101 → ue 0, 1, 2, 3, 4; then 00 00 03 01: the 03 is skipped.
        var reader = new RbspBitReader([0b1010_0110, 0b0100_0010, 0b1000_0000, 0x00, 0x00, 0x03, 0x01]);
        Assert.Equal(0u, reader.ReadUnsignedExpGolomb());
        Assert.Equal(1u, reader.ReadUnsignedExpGolomb());
        Assert.Equal(2u, reader.ReadUnsignedExpGolomb());
        Assert.Equal(3u, reader.ReadUnsignedExpGolomb());
        Assert.Equal(4u, reader.ReadUnsignedExpGolomb());
        Assert.Equal(0u, reader.ReadBits(7));
        Assert.Equal(0u, reader.ReadBits(16));
        Assert.Equal(1u, reader.ReadBits(8));
        Assert.False(reader.Overrun);
        reader.ReadBit();
        Assert.True(reader.Overrun);

        var signed = new RbspBitReader([0b0100_1100, 0b1000_0000]); // 010 → +1, 011 → -1, 00100 → +2
        Assert.Equal(1, signed.ReadSignedExpGolomb());
        Assert.Equal(-1, signed.ReadSignedExpGolomb());
        Assert.Equal(2, signed.ReadSignedExpGolomb());
    }
}
