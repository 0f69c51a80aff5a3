namespace CommunityStream.Media.Hls.Packaging;

/// <summary>
/// One CMAF chunk: <c>moof</c> (mfhd, then a traf per track with tfhd default-base-is-moof, a 64-bit tfdt and a
/// trun with data offset, durations, sizes and, for video, sync flags) followed by one <c>mdat</c> holding the video
/// samples, then the audio samples. No composition offsets: WebRTC H.264 has no B-frames.
/// </summary>
internal static class CmafFragmentWriter
{
    private const uint DefaultBaseIsMoof = 0x020000;
    private const uint DataOffsetPresent = 0x000001;
    private const uint SampleDurationPresent = 0x000100;
    private const uint SampleSizePresent = 0x000200;
    private const uint SampleFlagsPresent = 0x000400;

    /// <summary>sample_depends_on = 2 (an I picture), is_non_sync_sample = 0.</summary>
    public const uint SyncSampleFlags = 0x02000000;

    /// <summary>sample_depends_on = 1, is_non_sync_sample = 1.</summary>
    public const uint NonSyncSampleFlags = 0x01010000;

    public static void Write(
        Mp4BoxWriter w,
        uint sequenceNumber,
        ReadOnlySpan<CmafSample> video,
        ulong videoDecodeTime,
        ReadOnlySpan<CmafSample> audio,
        ulong audioDecodeTime)
    {
        var moofStart = w.Length;
        var moof = w.Begin(Mp4BoxWriter.FourCc("moof"));
        var mfhd = w.BeginFull(Mp4BoxWriter.FourCc("mfhd"), 0, 0);
        w.UInt32(sequenceNumber);
        w.End(mfhd);
        var videoOffsetField = video.Length > 0 ? Traf(w, CmafInitSegment.VideoTrackId, video, videoDecodeTime, perSampleFlags: true) : -1;
        var audioOffsetField = audio.Length > 0 ? Traf(w, CmafInitSegment.AudioTrackId, audio, audioDecodeTime, perSampleFlags: false) : -1;
        w.End(moof);

        var mdat = w.Begin(Mp4BoxWriter.FourCc("mdat"));
        if (videoOffsetField >= 0)
        {
            w.PatchUInt32(videoOffsetField, (uint)(w.Length - moofStart));
        }
        foreach (var sample in video)
        {
            w.Bytes(sample.Data);
        }
        if (audioOffsetField >= 0)
        {
            w.PatchUInt32(audioOffsetField, (uint)(w.Length - moofStart));
        }
        foreach (var sample in audio)
        {
            w.Bytes(sample.Data);
        }
        w.End(mdat);
    }

    /// <returns>Where trun's data_offset is, to fill in once the moof's size is known.</returns>
    private static int Traf(Mp4BoxWriter w, uint trackId, ReadOnlySpan<CmafSample> samples, ulong decodeTime, bool perSampleFlags)
    {
        var traf = w.Begin(Mp4BoxWriter.FourCc("traf"));
        var tfhd = w.BeginFull(Mp4BoxWriter.FourCc("tfhd"), 0, DefaultBaseIsMoof);
        w.UInt32(trackId);
        w.End(tfhd);
        var tfdt = w.BeginFull(Mp4BoxWriter.FourCc("tfdt"), 1, 0);
        w.UInt64(decodeTime);
        w.End(tfdt);
        var flags = DataOffsetPresent | SampleDurationPresent | SampleSizePresent | (perSampleFlags ? SampleFlagsPresent : 0);
        var trun = w.BeginFull(Mp4BoxWriter.FourCc("trun"), 0, flags);
        w.UInt32((uint)samples.Length);
        var offsetField = w.Length;
        w.UInt32(0);
        foreach (var sample in samples)
        {
            w.UInt32(sample.Duration);
            w.UInt32((uint)sample.Data.Length);
            if (perSampleFlags)
            {
                w.UInt32(sample.Sync ? SyncSampleFlags : NonSyncSampleFlags);
            }
        }
        w.End(trun);
        w.End(traf);
        return offsetField;
    }
}
