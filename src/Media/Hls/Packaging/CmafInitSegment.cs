namespace CommunityStream.Media.Hls.Packaging;

/// <summary>
/// The CMAF header (ftyp + moov) for a channel: an H.264 track (avc1 + avcC) and/or an Opus track (Opus + dOps,
/// "Encapsulation of Opus in ISO Base Media File Format" §4), empty sample tables and mvex/trex so every sample
/// lives in fragments.
/// </summary>
internal static class CmafInitSegment
{
    public const uint VideoTrackId = 1;
    public const uint AudioTrackId = 2;
    public const uint VideoTimescale = 90_000;
    public const uint AudioTimescale = 48_000;

    public static byte[] Build(H264Configuration? video, int audioChannels)
    {
        var w = new Mp4BoxWriter(1024);
        Write(w, video, audioChannels);
        return w.ToArray();
    }

    /// <summary>Writes ftyp + moov; <paramref name="audioChannels"/> 0 means no audio track, else the Opus output channel count.</summary>
    public static void Write(Mp4BoxWriter w, H264Configuration? video, int audioChannels)
    {
        var ftyp = w.Begin(Mp4BoxWriter.FourCc("ftyp"));
        // No cmfc: a CMAF track file holds one track, and these fragments mux video and audio.
        w.UInt32(Mp4BoxWriter.FourCc("iso6"));
        w.UInt32(0);
        w.UInt32(Mp4BoxWriter.FourCc("iso6"));
        w.UInt32(Mp4BoxWriter.FourCc("isom"));
        w.UInt32(Mp4BoxWriter.FourCc("mp41"));
        w.End(ftyp);

        var moov = w.Begin(Mp4BoxWriter.FourCc("moov"));
        var mvhd = w.BeginFull(Mp4BoxWriter.FourCc("mvhd"), 0, 0);
        w.UInt32(0); // creation_time
        w.UInt32(0); // modification_time
        w.UInt32(1000); // timescale
        w.UInt32(0); // duration: unknown (live)
        w.UInt32(0x00010000); // rate 1.0
        w.UInt16(0x0100); // volume 1.0
        w.Zeros(10);
        w.UnityMatrix();
        w.Zeros(24); // pre_defined
        w.UInt32(AudioTrackId + 1); // next_track_ID
        w.End(mvhd);
        if (video is not null)
        {
            VideoTrak(w, video);
        }
        if (audioChannels > 0)
        {
            AudioTrak(w, audioChannels);
        }
        var mvex = w.Begin(Mp4BoxWriter.FourCc("mvex"));
        if (video is not null)
        {
            Trex(w, VideoTrackId);
        }
        if (audioChannels > 0)
        {
            Trex(w, AudioTrackId);
        }
        w.End(mvex);
        w.End(moov);
    }

    private static void VideoTrak(Mp4BoxWriter w, H264Configuration video)
    {
        var trak = w.Begin(Mp4BoxWriter.FourCc("trak"));
        Tkhd(w, VideoTrackId, 0, video.Info.Width, video.Info.Height);
        var mdia = w.Begin(Mp4BoxWriter.FourCc("mdia"));
        Mdhd(w, VideoTimescale);
        Hdlr(w, "vide", "VideoHandler");
        var minf = w.Begin(Mp4BoxWriter.FourCc("minf"));
        var vmhd = w.BeginFull(Mp4BoxWriter.FourCc("vmhd"), 0, 1);
        w.Zeros(8); // graphicsmode, opcolor
        w.End(vmhd);
        Dinf(w);
        var stbl = w.Begin(Mp4BoxWriter.FourCc("stbl"));
        var stsd = w.BeginFull(Mp4BoxWriter.FourCc("stsd"), 0, 0);
        w.UInt32(1);
        var avc1 = w.Begin(Mp4BoxWriter.FourCc("avc1"));
        w.Zeros(6);
        w.UInt16(1); // data_reference_index
        w.Zeros(16); // pre_defined, reserved, pre_defined[3]
        w.UInt16((ushort)video.Info.Width);
        w.UInt16((ushort)video.Info.Height);
        w.UInt32(0x00480000); // 72 dpi
        w.UInt32(0x00480000);
        w.UInt32(0);
        w.UInt16(1); // frame_count
        w.Zeros(32); // compressorname
        w.UInt16(0x0018); // depth
        w.UInt16(0xFFFF); // pre_defined = -1
        AvcC(w, video);
        w.End(avc1);
        w.End(stsd);
        EmptySampleTables(w);
        w.End(stbl);
        w.End(minf);
        w.End(mdia);
        w.End(trak);
    }

    /// <summary>AVCDecoderConfigurationRecord (ISO/IEC 14496-15 §5.3.3.1), 4-byte NAL lengths.</summary>
    private static void AvcC(Mp4BoxWriter w, H264Configuration video)
    {
        var avcC = w.Begin(Mp4BoxWriter.FourCc("avcC"));
        w.UInt8(1);
        w.UInt8(video.Sps[1]); // profile_idc
        w.UInt8(video.Sps[2]); // profile_compatibility
        w.UInt8(video.Sps[3]); // level_idc
        w.UInt8(0xFF); // reserved + lengthSizeMinusOne = 3
        w.UInt8((byte)(0xE0 | video.SpsSet.Count)); // reserved + numOfSequenceParameterSets (at most 32 kept)
        foreach (var sps in video.SpsSet)
        {
            w.UInt16((ushort)sps.Length);
            w.Bytes(sps);
        }
        w.UInt8((byte)video.PpsSet.Count);
        foreach (var pps in video.PpsSet)
        {
            w.UInt16((ushort)pps.Length);
            w.Bytes(pps);
        }
        if (H264SequenceParameterSet.IsHighProfile(video.Info.ProfileIdc))
        {
            w.UInt8((byte)(0xFC | video.Info.ChromaFormatIdc));
            w.UInt8((byte)(0xF8 | video.Info.BitDepthLumaMinus8));
            w.UInt8((byte)(0xF8 | video.Info.BitDepthChromaMinus8));
            w.UInt8(0); // numOfSequenceParameterSetExt
        }
        w.End(avcC);
    }

    private static void AudioTrak(Mp4BoxWriter w, int channels)
    {
        var trak = w.Begin(Mp4BoxWriter.FourCc("trak"));
        Tkhd(w, AudioTrackId, 0x0100, 0, 0);
        var mdia = w.Begin(Mp4BoxWriter.FourCc("mdia"));
        Mdhd(w, AudioTimescale);
        Hdlr(w, "soun", "SoundHandler");
        var minf = w.Begin(Mp4BoxWriter.FourCc("minf"));
        var smhd = w.BeginFull(Mp4BoxWriter.FourCc("smhd"), 0, 0);
        w.Zeros(4); // balance, reserved
        w.End(smhd);
        Dinf(w);
        var stbl = w.Begin(Mp4BoxWriter.FourCc("stbl"));
        var stsd = w.BeginFull(Mp4BoxWriter.FourCc("stsd"), 0, 0);
        w.UInt32(1);
        var opus = w.Begin(Mp4BoxWriter.FourCc("Opus"));
        w.Zeros(6);
        w.UInt16(1); // data_reference_index
        w.Zeros(8); // reserved (version 0)
        w.UInt16((ushort)channels);
        w.UInt16(16); // samplesize
        w.Zeros(4); // pre_defined, reserved
        w.UInt32(AudioTimescale << 16);
        var dOps = w.Begin(Mp4BoxWriter.FourCc("dOps"));
        w.UInt8(0); // Version
        w.UInt8((byte)channels); // OutputChannelCount
        w.UInt16(0); // PreSkip: RTP carries none, the stream starts mid-flight
        w.UInt32(48_000); // InputSampleRate
        w.UInt16(0); // OutputGain
        w.UInt8(0); // ChannelMappingFamily 0: mono or stereo
        w.End(dOps);
        w.End(opus);
        w.End(stsd);
        EmptySampleTables(w);
        w.End(stbl);
        w.End(minf);
        w.End(mdia);
        w.End(trak);
    }

    private static void Tkhd(Mp4BoxWriter w, uint trackId, ushort volume, int width, int height)
    {
        var tkhd = w.BeginFull(Mp4BoxWriter.FourCc("tkhd"), 0, 3); // enabled, in movie
        w.UInt32(0);
        w.UInt32(0);
        w.UInt32(trackId);
        w.UInt32(0); // reserved
        w.UInt32(0); // duration
        w.Zeros(8);
        w.UInt16(0); // layer
        w.UInt16(0); // alternate_group
        w.UInt16(volume);
        w.UInt16(0);
        w.UnityMatrix();
        w.UInt32((uint)width << 16);
        w.UInt32((uint)height << 16);
        w.End(tkhd);
    }

    private static void Mdhd(Mp4BoxWriter w, uint timescale)
    {
        var mdhd = w.BeginFull(Mp4BoxWriter.FourCc("mdhd"), 0, 0);
        w.UInt32(0);
        w.UInt32(0);
        w.UInt32(timescale);
        w.UInt32(0);
        w.UInt16(0x55C4); // language "und"
        w.UInt16(0);
        w.End(mdhd);
    }

    private static void Hdlr(Mp4BoxWriter w, string handler, string name)
    {
        var hdlr = w.BeginFull(Mp4BoxWriter.FourCc("hdlr"), 0, 0);
        w.UInt32(0);
        w.UInt32(Mp4BoxWriter.FourCc(handler));
        w.Zeros(12);
        foreach (var c in name)
        {
            w.UInt8((byte)c);
        }
        w.UInt8(0);
        w.End(hdlr);
    }

    private static void Dinf(Mp4BoxWriter w)
    {
        var dinf = w.Begin(Mp4BoxWriter.FourCc("dinf"));
        var dref = w.BeginFull(Mp4BoxWriter.FourCc("dref"), 0, 0);
        w.UInt32(1);
        var url = w.BeginFull(Mp4BoxWriter.FourCc("url "), 0, 1); // media in this file
        w.End(url);
        w.End(dref);
        w.End(dinf);
    }

    private static void EmptySampleTables(Mp4BoxWriter w)
    {
        EmptyTable(w, "stts");
        EmptyTable(w, "stsc");
        var stsz = w.BeginFull(Mp4BoxWriter.FourCc("stsz"), 0, 0);
        w.UInt32(0); // sample_size
        w.UInt32(0); // sample_count
        w.End(stsz);
        EmptyTable(w, "stco");
    }

    private static void EmptyTable(Mp4BoxWriter w, string type)
    {
        var box = w.BeginFull(Mp4BoxWriter.FourCc(type), 0, 0);
        w.UInt32(0); // entry_count
        w.End(box);
    }

    private static void Trex(Mp4BoxWriter w, uint trackId)
    {
        var trex = w.BeginFull(Mp4BoxWriter.FourCc("trex"), 0, 0);
        w.UInt32(trackId);
        w.UInt32(1); // default_sample_description_index
        w.UInt32(0); // default_sample_duration
        w.UInt32(0); // default_sample_size
        w.UInt32(0); // default_sample_flags
        w.End(trex);
    }
}
