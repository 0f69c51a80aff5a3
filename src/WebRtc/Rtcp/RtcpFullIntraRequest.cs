using System.Buffers.Binary;

namespace CommunityStream.WebRtc.Rtcp;

/// <summary>
/// Full Intra Request (RFC 5104 §4.3.1): PSFB FMT 4 whose FCI entries are (SSRC, command sequence number, 3 reserved
/// bytes); the media source SSRC field is 0.
/// </summary>
public static class RtcpFullIntraRequest
{
    private const int EntryLength = 8;

    /// <summary>Returns the number of entries copied into <paramref name="entries"/>, or -1 if malformed.</summary>
    public static int Read(in RtcpPacket packet, out uint senderSsrc, Span<(uint Ssrc, byte SequenceNumber)> entries)
    {
        if (!RtcpFeedbackHeader.TryRead(packet, RtcpPacketType.PayloadFeedback, RtcpPacketType.FormatFullIntraRequest, out senderSsrc, out _, out var fci)
            || fci.Length == 0 || fci.Length % EntryLength != 0)
        {
            ParseFailureCounters.RtcpRejected();
            return -1;
        }

        var count = Math.Min(fci.Length / EntryLength, entries.Length);
        for (var i = 0; i < count; i++)
        {
            var entry = fci[(i * EntryLength)..];
            entries[i] = (BinaryPrimitives.ReadUInt32BigEndian(entry), entry[4]);
        }

        return count;
    }

    public static int Write(Span<byte> destination, uint senderSsrc, ReadOnlySpan<(uint Ssrc, byte SequenceNumber)> entries)
    {
        var length = RtcpFeedbackHeader.Length + (entries.Length * EntryLength);
        RtcpFeedbackHeader.Write(destination, RtcpPacketType.PayloadFeedback, RtcpPacketType.FormatFullIntraRequest, length, senderSsrc, 0);
        for (var i = 0; i < entries.Length; i++)
        {
            var entry = destination.Slice(RtcpFeedbackHeader.Length + (i * EntryLength), EntryLength);
            BinaryPrimitives.WriteUInt32BigEndian(entry, entries[i].Ssrc);
            entry[4] = entries[i].SequenceNumber;
            entry[5..].Clear();
        }

        return length;
    }
}
