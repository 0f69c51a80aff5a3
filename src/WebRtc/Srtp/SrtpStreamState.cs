namespace CommunityStream.WebRtc.Srtp;

/// <summary>
/// Per-SSRC SRTP state (RFC 3711 §3.2.1): rollover counter, highest sequence number and replay window. The index of a
/// packet is estimated with RFC 3711 Appendix A; the state is only advanced by <see cref="Commit"/>, which callers run
/// after authentication succeeded (§3.3).
/// </summary>
internal sealed class SrtpStreamState
{
    private bool _initialized;

    public uint RolloverCounter { get; private set; }

    public ushort HighestSequence { get; private set; }

    public ReplayWindow Replay { get; } = new();

    /// <summary>Sets the ROC before the first packet (e.g. when joining a stream already in progress).</summary>
    public void Reset(uint rolloverCounter)
    {
        RolloverCounter = rolloverCounter;
        _initialized = false;
    }

    /// <summary>RFC 3711 Appendix A: guess the ROC v of <paramref name="sequence"/>; false when v would be negative.</summary>
    public bool TryEstimate(ushort sequence, out uint roc, out ulong index)
    {
        long v = RolloverCounter;
        if (_initialized)
        {
            var highest = HighestSequence;
            if (highest < 32768)
            {
                if (sequence - highest > 32768)
                {
                    v--;
                }
            }
            else if (highest - 32768 > sequence)
            {
                v++;
            }
        }

        if (v is < 0 or > uint.MaxValue)
        {
            roc = 0;
            index = 0;
            return false;
        }

        roc = (uint)v;
        index = ((ulong)roc << 16) | sequence;
        return true;
    }

    /// <summary>Advances ROC and highest sequence for an authenticated packet (RFC 3711 §3.3.1).</summary>
    public void Commit(ushort sequence, uint roc)
    {
        Advance(sequence, roc);
        Replay.Accept(((ulong)roc << 16) | sequence);
    }

    /// <summary>Advances ROC and highest sequence for a packet we protected: a sender keeps no replay window.</summary>
    public void CommitSent(ushort sequence, uint roc) => Advance(sequence, roc);

    private void Advance(ushort sequence, uint roc)
    {
        if (!_initialized)
        {
            _initialized = true;
            RolloverCounter = roc;
            HighestSequence = sequence;
        }
        else if (roc > RolloverCounter)
        {
            RolloverCounter = roc;
            HighestSequence = sequence;
        }
        else if (roc == RolloverCounter && sequence > HighestSequence)
        {
            HighestSequence = sequence;
        }
    }
}
