namespace CommunityStream.Chat.Gateway.Framing;

/// <summary>
/// Checks that a text message is UTF-8 (RFC 3629 §4, the byte ranges of a well-formed sequence) while its bytes
/// arrive in pieces of any size: a sequence may be split between frames and reads. Three bytes of state, no buffer.
/// </summary>
internal struct Utf8Validator
{
    private byte _need;
    private byte _lower;
    private byte _upper;

    /// <summary>True between whole characters: a message may end here.</summary>
    public readonly bool AtBoundary => _need == 0;

    /// <summary>Takes the next bytes; false once they cannot be UTF-8 (the state is then meaningless).</summary>
    public bool Take(ReadOnlySpan<byte> bytes)
    {
        var i = 0;
        while (i < bytes.Length)
        {
            if (_need == 0)
            {
                // Most chat text is ASCII: skip a run of it at once.
                var run = bytes[i..].IndexOfAnyExceptInRange((byte)0, (byte)0x7f);
                if (run < 0)
                {
                    return true;
                }
                i += run;
                var b = bytes[i++];
                (_need, _lower, _upper) = b switch
                {
                    >= 0xc2 and <= 0xdf => ((byte)1, (byte)0x80, (byte)0xbf),
                    0xe0 => ((byte)2, (byte)0xa0, (byte)0xbf),
                    >= 0xe1 and <= 0xec or 0xee or 0xef => ((byte)2, (byte)0x80, (byte)0xbf),
                    0xed => ((byte)2, (byte)0x80, (byte)0x9f), // no UTF-16 surrogates
                    0xf0 => ((byte)3, (byte)0x90, (byte)0xbf),
                    >= 0xf1 and <= 0xf3 => ((byte)3, (byte)0x80, (byte)0xbf),
                    0xf4 => ((byte)3, (byte)0x80, (byte)0x8f), // nothing above U+10FFFF
                    _ => ((byte)0, (byte)0, (byte)0),
                };
                if (_need == 0)
                {
                    return false;
                }
                continue;
            }
            var next = bytes[i++];
            if (next < _lower || next > _upper)
            {
                return false;
            }
            _need--;
            _lower = 0x80;
            _upper = 0xbf;
        }
        return true;
    }
}
