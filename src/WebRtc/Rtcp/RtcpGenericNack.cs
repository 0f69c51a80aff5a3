using System.Buffers.Binary;

namespace CommunityStream.WebRtc.Rtcp;

/// <summary>
/// Generic NACK (RFC 4585 §6.2.1): FCI entries of a packet id (PID) and a 16-bit bitmask of the following lost
/// packets (BLP).
/// </summary>
public static class RtcpGenericNack
{
    /// <summary>Expands the lost sequence numbers into <paramref name="lost"/>; returns how many, or -1 if malformed.</summary>
    public static int ReadLostSequenceNumbers(in RtcpPacket packet, out uint senderSsrc, out uint mediaSsrc, Span<ushort> lost)
    {
        if (!RtcpFeedbackHeader.TryRead(packet, RtcpPacketType.TransportFeedback, RtcpPacketType.FormatGenericNack, out senderSsrc, out mediaSsrc, out var fci)
            || fci.Length == 0 || (fci.Length & 3) != 0)
        {
            ParseFailureCounters.RtcpRejected();
            return -1;
        }

        var count = 0;
        for (var i = 0; i < fci.Length; i += 4)
        {
            var pid = BinaryPrimitives.ReadUInt16BigEndian(fci[i..]);
            var blp = BinaryPrimitives.ReadUInt16BigEndian(fci[(i + 2)..]);
            if (count < lost.Length)
            {
                lost[count++] = pid;
            }

            for (var bit = 0; bit < 16; bit++)
            {
                if ((blp & (1 << bit)) != 0 && count < lost.Length)
                {
                    lost[count++] = (ushort)(pid + bit + 1);
                }
            }
        }

        return count;
    }

    /// <summary>Packs ascending (wrap-aware) lost sequence numbers into PID/BLP entries.</summary>
    public static int Write(Span<byte> destination, uint senderSsrc, uint mediaSsrc, ReadOnlySpan<ushort> lost)
    {
        if (lost.IsEmpty)
        {
            throw new ArgumentException("A NACK names at least one packet.", nameof(lost));
        }

        var entries = 0;
        Span<uint> fci = lost.Length <= 256 ? stackalloc uint[lost.Length] : new uint[lost.Length];
        var pid = lost[0];
        ushort blp = 0;
        for (var i = 1; i < lost.Length; i++)
        {
            var distance = (ushort)(lost[i] - pid);
            if (distance is >= 1 and <= 16)
            {
                blp |= (ushort)(1 << (distance - 1));
            }
            else if (distance != 0)
            {
                fci[entries++] = ((uint)pid << 16) | blp;
                pid = lost[i];
                blp = 0;
            }
        }

        fci[entries++] = ((uint)pid << 16) | blp;
        var length = RtcpFeedbackHeader.Length + (entries * 4);
        RtcpFeedbackHeader.Write(destination, RtcpPacketType.TransportFeedback, RtcpPacketType.FormatGenericNack, length, senderSsrc, mediaSsrc);
        for (var i = 0; i < entries; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination[(RtcpFeedbackHeader.Length + (i * 4))..], fci[i]);
        }

        return length;
    }
}
