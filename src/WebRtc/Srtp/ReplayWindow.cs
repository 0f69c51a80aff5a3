namespace CommunityStream.WebRtc.Srtp;

/// <summary>
/// Sliding replay window over packet indices (RFC 3711 §3.3.2): the highest authenticated index and a 64-bit bitmap of
/// the 64 indices at and below it. Checking and accepting are separate so the window only advances once a packet has
/// been authenticated.
/// </summary>
internal sealed class ReplayWindow
{
    public const int Size = 64;
    private ulong _highest;
    private ulong _bitmap;
    private bool _any;

    /// <summary>True when the index was already accepted or is too old to tell.</summary>
    public bool IsReplay(ulong index)
    {
        if (!_any || index > _highest)
        {
            return false;
        }

        var delta = _highest - index;
        return delta >= Size || (_bitmap & (1UL << (int)delta)) != 0;
    }

    public void Accept(ulong index)
    {
        if (!_any)
        {
            _any = true;
            _highest = index;
            _bitmap = 1;
            return;
        }

        if (index > _highest)
        {
            var shift = index - _highest;
            _bitmap = shift >= Size ? 1 : (_bitmap << (int)shift) | 1;
            _highest = index;
        }
        else
        {
            var delta = _highest - index;
            if (delta < Size)
            {
                _bitmap |= 1UL << (int)delta;
            }
        }
    }
}
