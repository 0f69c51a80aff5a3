namespace CommunityStream.Media.Forwarding;

/// <summary>
/// Recognises the first packet of a keyframe from the payload alone, for the stream's keyframe interval and for
/// answering a new viewer quickly. Truncated or odd payloads are simply "not a keyframe".
/// </summary>
internal static class KeyframeDetector
{
    public static bool IsKeyframeStart(string codec, ReadOnlySpan<byte> payload) => codec.ToUpperInvariant() switch
    {
        "VP8" => IsVp8Keyframe(payload),
        "H264" => IsH264Keyframe(payload),
        "VP9" => IsVp9Keyframe(payload),
        _ => false,
    };

    // RFC 7741 §4.2: payload descriptor (X, S, PID; optional I/L/T/K bytes), then the VP8 header whose P bit is 0 on key frames.
    private static bool IsVp8Keyframe(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 1)
        {
            return false;
        }
        var first = payload[0];
        var start = (first & 0x10) != 0 && (first & 0x07) == 0;
        if (!start)
        {
            return false;
        }
        var offset = 1;
        if ((first & 0x80) != 0)
        {
            if (payload.Length < 2)
            {
                return false;
            }
            var extension = payload[1];
            offset = 2;
            if ((extension & 0x80) != 0)
            {
                // PictureID: one byte, or two when its M bit is set.
                if (payload.Length <= offset)
                {
                    return false;
                }
                offset += (payload[offset] & 0x80) != 0 ? 2 : 1;
            }
            if ((extension & 0x40) != 0)
            {
                offset++;
            }
            if ((extension & 0x30) != 0)
            {
                offset++;
            }
        }
        return payload.Length > offset && (payload[offset] & 0x01) == 0;
    }

    // RFC 6184: single NAL (IDR = 5, SPS = 7), STAP-A (24) aggregating them, or the first FU-A (28) fragment of an IDR.
    private static bool IsH264Keyframe(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 1)
        {
            return false;
        }
        var type = payload[0] & 0x1F;
        switch (type)
        {
            case 5 or 7:
                return true;
            case 24:
                var offset = 1;
                while (offset + 2 < payload.Length)
                {
                    var size = (payload[offset] << 8) | payload[offset + 1];
                    if ((payload[offset + 2] & 0x1F) is 5 or 7)
                    {
                        return true;
                    }
                    offset += 2 + size;
                }
                return false;
            case 28:
                return payload.Length >= 2 && (payload[1] & 0x80) != 0 && (payload[1] & 0x1F) is 5 or 7;
            default:
                return false;
        }
    }

    // draft-ietf-payload-vp9 §4.2: B (start of frame) set and P (inter-picture predicted) clear.
    private static bool IsVp9Keyframe(ReadOnlySpan<byte> payload) =>
        payload.Length >= 1 && (payload[0] & 0x08) != 0 && (payload[0] & 0x40) == 0;
}
