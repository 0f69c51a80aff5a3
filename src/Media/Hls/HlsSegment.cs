namespace CommunityStream.Media.Hls;

/// <summary>
/// One media segment of a window: its parts in order. Mutable only by the window, under its lock; the live segment
/// (the last) grows part by part until the next segment starts or the stream ends.
/// </summary>
internal sealed class HlsSegment(long msn, int initId, bool discontinuity, DateTimeOffset programDateTime)
{
    private readonly List<HlsPartAdded> _parts = [];

    public long Msn { get; } = msn;

    public int InitId { get; } = initId;

    /// <summary>Preceded by EXT-X-DISCONTINUITY: its init segment differs from the previous segment's.</summary>
    public bool Discontinuity { get; } = discontinuity;

    public DateTimeOffset ProgramDateTime { get; } = programDateTime;

    public IReadOnlyList<HlsPartAdded> Parts => _parts;

    public TimeSpan Duration { get; private set; }

    public long Length { get; private set; }

    public bool Complete { get; set; }

    public void Add(HlsPartAdded part)
    {
        _parts.Add(part);
        Duration += part.Part.Duration;
        Length += part.Part.Bytes.Length;
    }
}
