namespace CommunityStream.Media.Hls.Packaging;

/// <summary>Extends 32-bit RTP timestamps to 64 bits across wraps (a step back of up to 2^31 counts as backwards).</summary>
internal struct RtpTimestampUnwrapper
{
    private bool _started;
    private uint _last;
    private long _extended;

    public long Unwrap(uint timestamp)
    {
        if (!_started)
        {
            _started = true;
            _extended = timestamp;
        }
        else
        {
            _extended += (int)(timestamp - _last);
        }
        _last = timestamp;
        return _extended;
    }
}
