using System.Buffers.Binary;

namespace CommunityStream.WebRtc.Rtcp;

/// <summary>Reception status of one packet in transport-wide congestion control feedback.</summary>
public enum TransportFeedbackSymbol : byte
{
    NotReceived = 0,
    SmallDelta = 1,
    LargeDelta = 2,
}

/// <summary>One packet's entry: transport-wide sequence number, status and receive delta in 250 µs ticks.</summary>
public readonly record struct TransportFeedbackStatus(ushort SequenceNumber, TransportFeedbackSymbol Symbol, short DeltaTicks);

/// <summary>
/// Transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1): RTPFB FMT 15
/// with base sequence number, status count, 24-bit reference time (64 ms units), feedback count, packet status chunks
/// (run-length or status vector) and receive deltas (1 byte unsigned or 2 bytes signed, 250 µs units).
/// </summary>
public static class RtcpTransportFeedback
{
    private const int FixedFciLength = 8;

    public static bool TryReadHeader(
        in RtcpPacket packet, out uint senderSsrc, out uint mediaSsrc, out ushort baseSequence, out ushort statusCount,
        out int referenceTime, out byte feedbackCount)
    {
        baseSequence = 0;
        statusCount = 0;
        referenceTime = 0;
        feedbackCount = 0;
        if (!RtcpFeedbackHeader.TryRead(packet, RtcpPacketType.TransportFeedback, RtcpPacketType.FormatTransportWideCc, out senderSsrc, out mediaSsrc, out var fci)
            || fci.Length < FixedFciLength)
        {
            ParseFailureCounters.RtcpRejected();
            return false;
        }

        baseSequence = BinaryPrimitives.ReadUInt16BigEndian(fci);
        statusCount = BinaryPrimitives.ReadUInt16BigEndian(fci[2..]);
        referenceTime = (fci[4] << 16) | (fci[5] << 8) | fci[6];
        if ((referenceTime & 0x80_0000) != 0)
        {
            referenceTime -= 0x100_0000;
        }

        feedbackCount = fci[7];
        return true;
    }

    /// <summary>
    /// Decodes every packet status and delta. Returns the number of statuses written (at most
    /// <paramref name="statuses"/>.Length) or -1 when the chunks or deltas do not fit the packet.
    /// </summary>
    public static int ReadStatuses(in RtcpPacket packet, Span<TransportFeedbackStatus> statuses)
    {
        if (!TryReadHeader(packet, out _, out _, out var baseSequence, out var statusCount, out _, out _))
        {
            return -1;
        }

        var fci = packet.Body[(8 + FixedFciLength)..];

        // Pass 1: find where the chunks end and how many delta bytes they announce.
        var offset = 0;
        var covered = 0;
        var deltaBytes = 0;
        while (covered < statusCount)
        {
            if (fci.Length - offset < 2)
            {
                return Fail();
            }

            var chunk = BinaryPrimitives.ReadUInt16BigEndian(fci[offset..]);
            offset += 2;
            var symbols = SymbolsIn(chunk);
            for (var i = 0; i < symbols && covered < statusCount; i++, covered++)
            {
                var symbol = SymbolAt(chunk, i);
                if (symbol == 3)
                {
                    return Fail();
                }

                deltaBytes += symbol;
            }
        }

        if (fci.Length - offset < deltaBytes)
        {
            return Fail();
        }

        // Pass 2: emit statuses with their deltas.
        var deltas = fci[offset..];
        var chunkOffset = 0;
        var written = 0;
        var deltaOffset = 0;
        covered = 0;
        while (covered < statusCount && written < statuses.Length)
        {
            var chunk = BinaryPrimitives.ReadUInt16BigEndian(fci[chunkOffset..]);
            chunkOffset += 2;
            var symbols = SymbolsIn(chunk);
            for (var i = 0; i < symbols && covered < statusCount && written < statuses.Length; i++, covered++)
            {
                var symbol = SymbolAt(chunk, i);
                short delta = symbol switch
                {
                    1 => deltas[deltaOffset],
                    2 => BinaryPrimitives.ReadInt16BigEndian(deltas[deltaOffset..]),
                    _ => 0,
                };
                deltaOffset += symbol;
                statuses[written++] = new TransportFeedbackStatus(
                    (ushort)(baseSequence + covered), (TransportFeedbackSymbol)symbol, delta);
            }
        }

        return written;
    }

    /// <summary>
    /// Writes feedback for consecutive sequence numbers starting at <paramref name="baseSequence"/>, using two-bit status
    /// vector chunks (7 statuses each) and RTCP padding to 32 bits as libwebrtc does.
    /// </summary>
    public static int Write(
        Span<byte> destination, uint senderSsrc, uint mediaSsrc, ushort baseSequence, int referenceTime, byte feedbackCount,
        ReadOnlySpan<TransportFeedbackStatus> statuses)
    {
        if (statuses.IsEmpty || statuses.Length > ushort.MaxValue)
        {
            throw new ArgumentException("Feedback covers 1–65535 packets.", nameof(statuses));
        }

        var chunks = (statuses.Length + 6) / 7;
        var deltaBytes = 0;
        foreach (var status in statuses)
        {
            deltaBytes += (int)status.Symbol;
        }

        var unpadded = RtcpFeedbackHeader.Length + FixedFciLength + (chunks * 2) + deltaBytes;
        var length = (unpadded + 3) & ~3;
        RtcpFeedbackHeader.Write(destination, RtcpPacketType.TransportFeedback, RtcpPacketType.FormatTransportWideCc, length, senderSsrc, mediaSsrc);
        var fci = destination[RtcpFeedbackHeader.Length..length];
        BinaryPrimitives.WriteUInt16BigEndian(fci, baseSequence);
        BinaryPrimitives.WriteUInt16BigEndian(fci[2..], (ushort)statuses.Length);
        var reference = referenceTime & 0xFF_FFFF;
        fci[4] = (byte)(reference >> 16);
        fci[5] = (byte)(reference >> 8);
        fci[6] = (byte)reference;
        fci[7] = feedbackCount;

        var offset = FixedFciLength;
        for (var c = 0; c < chunks; c++)
        {
            var chunk = 0xC000; // status vector, two-bit symbols
            for (var i = 0; i < 7; i++)
            {
                var index = (c * 7) + i;
                var symbol = index < statuses.Length ? (int)statuses[index].Symbol : 0;
                chunk |= symbol << (12 - (2 * i));
            }

            BinaryPrimitives.WriteUInt16BigEndian(fci[offset..], (ushort)chunk);
            offset += 2;
        }

        foreach (var status in statuses)
        {
            if (status.Symbol == TransportFeedbackSymbol.SmallDelta)
            {
                fci[offset++] = (byte)status.DeltaTicks;
            }
            else if (status.Symbol == TransportFeedbackSymbol.LargeDelta)
            {
                BinaryPrimitives.WriteInt16BigEndian(fci[offset..], status.DeltaTicks);
                offset += 2;
            }
        }

        var padding = length - unpadded;
        if (padding > 0)
        {
            fci[offset..].Clear();
            destination[length - 1] = (byte)padding;
            destination[0] |= 0x20;
        }

        return length;
    }

    /// <summary>Run-length chunks cover their run; vector chunks 14 one-bit or 7 two-bit symbols.</summary>
    private static int SymbolsIn(ushort chunk) =>
        (chunk & 0x8000) == 0 ? chunk & 0x1FFF : (chunk & 0x4000) == 0 ? 14 : 7;

    private static int SymbolAt(ushort chunk, int i)
    {
        if ((chunk & 0x8000) == 0)
        {
            return (chunk >> 13) & 0x03;
        }

        return (chunk & 0x4000) == 0 ? (chunk >> (13 - i)) & 0x01 : (chunk >> (12 - (2 * i))) & 0x03;
    }

    private static int Fail()
    {
        ParseFailureCounters.RtcpRejected();
        return -1;
    }
}
