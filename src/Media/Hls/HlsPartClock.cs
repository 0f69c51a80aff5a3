namespace CommunityStream.Media.Hls;

/// <summary>
/// When this node's window took each recent part (wall clock), by part number: for the opt-in
/// <see cref="HlsOptions.PartReadyHeader"/> that lets a bench measure blocking reloads against the moment the awaited
/// part was written. A fixed ring: older numbers fall out (a blocking request only ever awaits a recent part).
/// Not thread-safe on its own: the window uses it under its lock.
/// </summary>
internal sealed class HlsPartClock
{
    private const int Capacity = 256;
    private readonly long[] _numbers = new long[Capacity];
    private readonly DateTimeOffset[] _times = new DateTimeOffset[Capacity];

    public HlsPartClock() => Array.Fill(_numbers, -1);

    public void Record(long number, DateTimeOffset at)
    {
        var slot = (int)(number % Capacity);
        _numbers[slot] = number;
        _times[slot] = at;
    }

    public DateTimeOffset? WrittenAt(long number)
    {
        if (number < 0)
        {
            return null;
        }
        var slot = (int)(number % Capacity);
        return _numbers[slot] == number ? _times[slot] : null;
    }
}
