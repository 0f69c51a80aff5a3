namespace CommunityStream.WebRtc.Rtp;

/// <summary>Element lookup inside an RTP header extension block (RFC 8285 §4.2 one-byte, §4.3 two-byte).</summary>
internal static class RtpHeaderExtensions
{
    public static bool TryFindOneByte(ReadOnlySpan<byte> block, int id, out ReadOnlySpan<byte> value)
    {
        value = default;
        var i = 0;
        while (i < block.Length)
        {
            var elementId = block[i] >> 4;
            if (block[i] == 0)
            {
                // Padding byte between elements.
                i++;
                continue;
            }

            if (elementId == 15)
            {
                // RFC 8285 §4.2: id 15 is reserved; stop processing the block.
                return false;
            }

            var length = (block[i] & 0x0F) + 1;
            if (i + 1 + length > block.Length)
            {
                return false;
            }

            if (elementId == id)
            {
                value = block.Slice(i + 1, length);
                return true;
            }

            i += 1 + length;
        }

        return false;
    }

    public static bool TryFindTwoByte(ReadOnlySpan<byte> block, int id, out ReadOnlySpan<byte> value)
    {
        value = default;
        var i = 0;
        while (i < block.Length)
        {
            var elementId = block[i];
            if (elementId == 0)
            {
                i++;
                continue;
            }

            if (i + 2 > block.Length)
            {
                return false;
            }

            var length = block[i + 1];
            if (i + 2 + length > block.Length)
            {
                return false;
            }

            if (elementId == id)
            {
                value = block.Slice(i + 2, length);
                return true;
            }

            i += 2 + length;
        }

        return false;
    }
}
