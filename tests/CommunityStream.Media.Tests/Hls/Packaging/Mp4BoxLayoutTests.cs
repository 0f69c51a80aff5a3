using CommunityStream.Media.Hls.Packaging;
using CommunityStream.Media.Tests.Hls.Packaging.Support;

namespace CommunityStream.Media.Tests.Hls.Packaging;

/// <summary>Boxes against byte layouts computed by hand from ISO/IEC 14496-12/-15 and the Opus-in-ISOBMFF mapping.</summary>
public sealed class Mp4BoxLayoutTests
{
    internal static readonly byte[] BaselineSps = Convert.FromHexString("6742c00dd90141fb0110000003001000000303c0f142a480");
    internal static readonly byte[] BaselinePps = Convert.FromHexString("68cb83cb20");

    [Fact]
    public void Nested_boxes_get_their_sizes_filled_in()
    {
        var w = new Mp4BoxWriter(16);
        var outer = w.Begin(Mp4BoxWriter.FourCc("moov"));
        var inner = w.BeginFull(Mp4BoxWriter.FourCc("mfhd"), 1, 0x020001);
        w.UInt16(0xABCD);
        w.End(inner);
        w.UInt64(0x0102030405060708);
        w.End(outer);

        Assert.Equal("0000001E" + "6D6F6F76" + "0000000E" + "6D666864" + "01020001" + "ABCD" + "0102030405060708", Convert.ToHexString(w.Written));
    }

    [Fact]
    public void Fragment_with_one_video_sample_matches_the_hand_computed_moof_and_mdat()
    {
        var w = new Mp4BoxWriter();
        CmafFragmentWriter.Write(w, 7, [new CmafSample([0, 0, 0, 1, 0x65], 3000, true)], 90_000, [], 0);

        var expected =
            "00000064" + "6D6F6F66" +
            "00000010" + "6D666864" + "00000000" + "00000007" +
            "0000004C" + "74726166" +
            "00000010" + "74666864" + "00020000" + "00000001" + // default-base-is-moof, track 1
            "00000014" + "74666474" + "01000000" + "0000000000015F90" + // version 1, 90000
            "00000020" + "7472756E" + "00000701" + "00000001" + "0000006C" + // offset, duration, size, flags; 1 sample at 108
            "00000BB8" + "00000005" + "02000000" +
            "0000000D" + "6D646174" + "0000000165";
        Assert.Equal(expected, Convert.ToHexString(w.Written));
    }

    [Fact]
    public void Fragment_offsets_point_each_track_at_its_own_samples_in_the_one_mdat()
    {
        var w = new Mp4BoxWriter();
        CmafSample[] video = [new([0, 0, 0, 2, 0x65, 0x01], 3000, true), new([0, 0, 0, 1, 0x41], 3000, false)];
        CmafSample[] audio = [new([0xF8, 0xAA], 960, true), new([0xF8, 0xBB, 0xCC], 960, true), new([0xF8], 960, true)];
        CmafFragmentWriter.Write(w, 3, video, 123_456_789_012, audio, 4_800);
        var file = w.ToArray();

        var boxes = Mp4TestBox.ParseAll(file);
        Assert.Equal(["moof", "mdat"], boxes.Select(b => b.Type));
        var moof = boxes[0];
        var trafs = moof.All("traf").ToList();
        Assert.Equal(2, trafs.Count);
        Assert.Equal(1u, trafs[0].Child("tfhd").UInt32(4));
        Assert.Equal(2u, trafs[1].Child("tfhd").UInt32(4));
        Assert.Equal(123_456_789_012ul, trafs[0].Child("tfdt").UInt64(4));
        Assert.Equal(4_800ul, trafs[1].Child("tfdt").UInt64(4));

        var videoRun = trafs[0].Child("trun");
        Assert.Equal(0x00000701u, videoRun.UInt32(0));
        Assert.Equal(2u, videoRun.UInt32(4));
        Assert.Equal(CmafFragmentWriter.SyncSampleFlags, videoRun.UInt32(8 + 4 + 8));
        Assert.Equal(CmafFragmentWriter.NonSyncSampleFlags, videoRun.UInt32(8 + 4 + 12 + 8));
        var audioRun = trafs[1].Child("trun");
        Assert.Equal(0x00000301u, audioRun.UInt32(0)); // no per-sample flags: every Opus packet is a sync sample (trex default)
        Assert.Equal(3u, audioRun.UInt32(4));

        var videoOffset = (int)videoRun.UInt32(8);
        var audioOffset = (int)audioRun.UInt32(8);
        Assert.Equal(moof.Size + 8, videoOffset);
        Assert.Equal(video.SelectMany(s => s.Data), file.AsSpan(moof.Offset + videoOffset, 11).ToArray());
        Assert.Equal(audio.SelectMany(s => s.Data), file.AsSpan(moof.Offset + audioOffset, 6).ToArray());
        Assert.Equal(file.Length, moof.Offset + audioOffset + 6);
    }

    [Fact]
    public void Init_segment_starts_with_an_iso6_ftyp_without_cmfc_and_carries_avcC_and_dOps_byte_for_byte()
    {
        var sps = H264SequenceParameterSet.TryParse(BaselineSps)!;
        var init = CmafInitSegment.Build(new H264Configuration(BaselineSps, BaselinePps, sps), audioChannels: 2);

        // No cmfc brand: CMAF fragments carry one track, these mux video and audio.
        Assert.Equal("0000001C" + "66747970" + "69736F36" + "00000000" + "69736F36" + "69736F6D" + "6D703431",
            Convert.ToHexString(init.AsSpan(0, 28)));
        var boxes = Mp4TestBox.ParseAll(init);
        Assert.Equal(["ftyp", "moov"], boxes.Select(b => b.Type));
        var moov = boxes[1];
        Assert.Equal(["mvhd", "trak", "trak", "mvex"], moov.Children.Select(c => c.Type));
        Assert.Equal(108, moov.Child("mvhd").Size);

        var video = moov.All("trak").First();
        var tkhd = video.Child("tkhd");
        Assert.Equal(92, tkhd.Size);
        Assert.Equal(1u, tkhd.UInt32(12));
        Assert.Equal(320u << 16, tkhd.UInt32(76));
        Assert.Equal(240u << 16, tkhd.UInt32(80));
        Assert.Equal(90_000u, video.Path("mdia/mdhd").UInt32(12));
        Assert.Equal(Mp4BoxWriter.FourCc("vide"), video.Path("mdia/hdlr").UInt32(8));
        var stbl = video.Path("mdia/minf/stbl");
        Assert.Equal(["stsd", "stts", "stsc", "stsz", "stco"], stbl.Children.Select(c => c.Type));
        Assert.All(stbl.Children.Skip(1), table => Assert.Equal(table.Type == "stsz" ? 20 : 16, table.Size));
        var avc1 = stbl.Path("stsd/avc1");
        Assert.Equal(320, (avc1.Body[24] << 8) | avc1.Body[25]);
        Assert.Equal(240, (avc1.Body[26] << 8) | avc1.Body[27]);
        var expectedAvcC = "00000030" + "61766343" + "0142C00DFFE1" + "0018" + Convert.ToHexString(BaselineSps) + "01" + "0005" + Convert.ToHexString(BaselinePps);
        var avcC = avc1.Child("avcC");
        Assert.Equal(expectedAvcC, Convert.ToHexString(init.AsSpan(avcC.Offset, avcC.Size)));

        var audio = moov.All("trak").Last();
        Assert.Equal(2u, audio.Child("tkhd").UInt32(12));
        Assert.Equal(48_000u, audio.Path("mdia/mdhd").UInt32(12));
        Assert.Equal(Mp4BoxWriter.FourCc("soun"), audio.Path("mdia/hdlr").UInt32(8));
        var opus = audio.Path("mdia/minf/stbl/stsd/Opus");
        Assert.Equal(2, (opus.Body[16] << 8) | opus.Body[17]);
        Assert.Equal(48_000u << 16, opus.UInt32(24));
        var dOps = opus.Child("dOps");
        Assert.Equal("00000013" + "644F7073" + "00" + "02" + "0000" + "0000BB80" + "0000" + "00", Convert.ToHexString(init.AsSpan(dOps.Offset, dOps.Size)));

        var trex = moov.Child("mvex").All("trex").ToList();
        Assert.Equal([1u, 2u], trex.Select(t => t.UInt32(4)));
        Assert.All(trex, t => Assert.Equal(32, t.Size));
    }

    [Fact]
    public void AvcC_carries_every_parameter_set_id_in_id_order()
    {
        var sps = H264SequenceParameterSet.TryParse(BaselineSps)!;
        byte[] pps1 = [0x68, 0x52, 0xE0, 0xF2, 0xC8];
        var init = CmafInitSegment.Build(new H264Configuration([BaselineSps], [BaselinePps, pps1], sps), audioChannels: 0);
        var avcC = Mp4TestBox.ParseAll(init)[1].Path("trak/mdia/minf/stbl/stsd/avc1/avcC");
        var expected = "0142C00DFFE1" + "0018" + Convert.ToHexString(BaselineSps) + "02" + "0005" + Convert.ToHexString(BaselinePps) + "0005" + Convert.ToHexString(pps1);
        Assert.Equal(expected, Convert.ToHexString(avcC.Body.ToArray()));
    }

    [Fact]
    public void High_profile_avcC_has_the_chroma_and_bit_depth_fields_and_audio_only_init_has_one_track()
    {
        var sps = H264SequenceParameterSet.TryParse(H264SequenceParameterSetTests.HighSps)!;
        var init = CmafInitSegment.Build(new H264Configuration(H264SequenceParameterSetTests.HighSps, BaselinePps, sps), audioChannels: 0);
        var moov = Mp4TestBox.ParseAll(init)[1];
        Assert.Single(moov.All("trak"));
        var avcC = moov.Path("trak/mdia/minf/stbl/stsd/avc1/avcC");
        Assert.Equal("FDF8F800", Convert.ToHexString(avcC.Body[^4..])); // 4:2:0, 8-bit, no SPS extensions

        var audioOnly = Mp4TestBox.ParseAll(CmafInitSegment.Build(null, 2))[1];
        Assert.Equal(["mvhd", "trak", "mvex"], audioOnly.Children.Select(c => c.Type));
        Assert.Equal(2u, audioOnly.Path("mvex/trex").UInt32(4));
    }
}
