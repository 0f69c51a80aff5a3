namespace CommunityStream.Media.Hls.Packaging;

/// <summary>
/// One CMAF chunk of a live channel (a <c>moof</c> and its <c>mdat</c>, audio and video muxed): an LL-HLS part.
/// The packager cuts a part once it holds about a part target of media, and at an IDR only where a segment is due:
/// an <see cref="Independent"/> part is where the window starts a segment.
/// </summary>
/// <param name="Bytes">The chunk as served (moof + mdat); never changed after it is handed over.</param>
/// <param name="Duration">Media time the part covers, on the video timeline (audio only: its own).</param>
/// <param name="Independent">The part begins with an IDR access unit (EXT-X-PART INDEPENDENT=YES).</param>
/// <param name="ProgramDateTime">Wall-clock time of the part's first sample (EXT-X-PROGRAM-DATE-TIME).</param>
/// <param name="CompletedAt">Stopwatch ticks when the part was cut (blocking-reload and latency figures).</param>
internal sealed record CmafPart(
    ReadOnlyMemory<byte> Bytes,
    TimeSpan Duration,
    bool Independent,
    DateTimeOffset ProgramDateTime,
    long CompletedAt);
