namespace CommunityStream.Media.Hls.Packaging;

/// <summary>
/// Reads bits and exp-Golomb codes (H.264 §7.2, §9.1) from a NAL unit's payload, skipping emulation-prevention
/// bytes (00 00 03) as it goes. Reading past the end sets <see cref="Overrun"/> and yields zeros, so a truncated or
/// hostile parameter set ends in a clean refusal instead of an exception.
/// </summary>
internal ref struct RbspBitReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _byte;
    private int _bit;
    private int _zeros;

    public bool Overrun { get; private set; }

    public uint ReadBit()
    {
        if (_bit == 0 && !SkipEmulationPrevention())
        {
            Overrun = true;
            return 0;
        }
        var value = (uint)(_data[_byte] >> (7 - _bit)) & 1;
        if (++_bit == 8)
        {
            _zeros = _data[_byte] == 0 ? _zeros + 1 : 0;
            _bit = 0;
            _byte++;
        }
        return value;
    }

    public uint ReadBits(int count)
    {
        uint value = 0;
        for (var i = 0; i < count; i++)
        {
            value = (value << 1) | ReadBit();
        }
        return value;
    }

    /// <summary>ue(v); codes longer than 32 bits are refused (<see cref="Overrun"/>).</summary>
    public uint ReadUnsignedExpGolomb()
    {
        var leadingZeros = 0;
        while (ReadBit() == 0)
        {
            if (Overrun || ++leadingZeros > 31)
            {
                Overrun = true;
                return 0;
            }
        }
        return leadingZeros == 0 ? 0 : (uint)((1UL << leadingZeros) - 1 + ReadBits(leadingZeros));
    }

    /// <summary>se(v).</summary>
    public int ReadSignedExpGolomb()
    {
        var code = ReadUnsignedExpGolomb();
        return (code & 1) != 0 ? (int)((code + 1) / 2) : -(int)(code / 2);
    }

    private bool SkipEmulationPrevention()
    {
        if (_byte >= _data.Length)
        {
            return false;
        }
        if (_zeros >= 2 && _data[_byte] == 3)
        {
            _zeros = 0;
            _byte++;
        }
        return _byte < _data.Length;
    }
}
