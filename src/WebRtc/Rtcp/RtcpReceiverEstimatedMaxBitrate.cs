using System.Buffers.Binary;

namespace CommunityStream.WebRtc.Rtcp;

/// <summary>
/// REMB (draft-alvestrand-rmcat-remb §2.2): PSFB FMT 15 whose FCI is "REMB", an SSRC count, a bitrate as a 6-bit
/// exponent and an 18-bit mantissa, and the SSRCs it applies to.
/// </summary>
public static class RtcpReceiverEstimatedMaxBitrate
{
    private static ReadOnlySpan<byte> Identifier => "REMB"u8;

    /// <summary>Reads the bitrate and copies up to <paramref name="ssrcs"/>.Length SSRCs; -1 if malformed or not REMB.</summary>
    public static int Read(in RtcpPacket packet, out uint senderSsrc, out ulong bitrate, Span<uint> ssrcs)
    {
        bitrate = 0;
        if (!RtcpFeedbackHeader.TryRead(packet, RtcpPacketType.PayloadFeedback, RtcpPacketType.FormatApplicationLayer, out senderSsrc, out _, out var fci)
            || fci.Length < 8 || !fci[..4].SequenceEqual(Identifier))
        {
            ParseFailureCounters.RtcpRejected();
            return -1;
        }

        var count = fci[4];
        if (fci.Length < 8 + (count * 4))
        {
            ParseFailureCounters.RtcpRejected();
            return -1;
        }

        var exponent = fci[5] >> 2;
        var mantissa = ((fci[5] & 0x03) << 16) | (fci[6] << 8) | fci[7];
        // An 18-bit mantissa shifted by more than 46 no longer fits 64 bits.
        bitrate = exponent > 46 ? ulong.MaxValue : (ulong)mantissa << exponent;
        var copied = Math.Min(count, ssrcs.Length);
        for (var i = 0; i < copied; i++)
        {
            ssrcs[i] = BinaryPrimitives.ReadUInt32BigEndian(fci[(8 + (i * 4))..]);
        }

        return copied;
    }

    /// <summary>Writes a REMB capping the streams <paramref name="ssrcs"/> (at most 255) at <paramref name="bitrate"/> bit/s, rounded down to the 18-bit mantissa; returns the bytes written.</summary>
    public static int Write(Span<byte> destination, uint senderSsrc, ulong bitrate, ReadOnlySpan<uint> ssrcs)
    {
        if (ssrcs.Length > 255)
        {
            throw new ArgumentException("REMB lists at most 255 SSRCs.", nameof(ssrcs));
        }

        var exponent = 0;
        while (bitrate >> exponent > 0x3FFFF)
        {
            exponent++;
        }

        var mantissa = (uint)(bitrate >> exponent);
        var length = RtcpFeedbackHeader.Length + 8 + (ssrcs.Length * 4);
        RtcpFeedbackHeader.Write(destination, RtcpPacketType.PayloadFeedback, RtcpPacketType.FormatApplicationLayer, length, senderSsrc, 0);
        var fci = destination[RtcpFeedbackHeader.Length..];
        Identifier.CopyTo(fci);
        fci[4] = (byte)ssrcs.Length;
        fci[5] = (byte)((exponent << 2) | (int)(mantissa >> 16));
        fci[6] = (byte)(mantissa >> 8);
        fci[7] = (byte)mantissa;
        for (var i = 0; i < ssrcs.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(fci[(8 + (i * 4))..], ssrcs[i]);
        }

        return length;
    }
}
