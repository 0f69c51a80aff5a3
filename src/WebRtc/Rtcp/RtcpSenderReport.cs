using System.Buffers.Binary;

namespace CommunityStream.WebRtc.Rtcp;

/// <summary>Sender report (RFC 3550 §6.4.1): sender info and reception report blocks, read in place.</summary>
public readonly ref struct RtcpSenderReport
{
    private const int SenderInfoLength = 24;
    private readonly ReadOnlySpan<byte> _body;

    private RtcpSenderReport(ReadOnlySpan<byte> body, int reportCount)
    {
        _body = body;
        ReportCount = reportCount;
    }

    /// <summary>SSRC of the sender.</summary>
    public uint Ssrc => BinaryPrimitives.ReadUInt32BigEndian(_body);

    /// <summary>Wallclock time of the report, 64-bit NTP format.</summary>
    public ulong NtpTimestamp => BinaryPrimitives.ReadUInt64BigEndian(_body[4..]);

    /// <summary>The same instant in the stream's RTP timestamp units.</summary>
    public uint RtpTimestamp => BinaryPrimitives.ReadUInt32BigEndian(_body[12..]);

    /// <summary>RTP packets sent since the stream started.</summary>
    public uint PacketCount => BinaryPrimitives.ReadUInt32BigEndian(_body[16..]);

    /// <summary>Payload octets sent since the stream started.</summary>
    public uint OctetCount => BinaryPrimitives.ReadUInt32BigEndian(_body[20..]);

    /// <summary>Number of report blocks after the sender info.</summary>
    public int ReportCount { get; }

    /// <summary>Report block <paramref name="index"/> (0 to <see cref="ReportCount"/> − 1).</summary>
    public RtcpReportBlock GetReportBlock(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, ReportCount);
        return RtcpReportBlock.Read(_body[(SenderInfoLength + (index * RtcpReportBlock.Length))..]);
    }

    /// <summary>Reads an SR; false (counted) when the packet is not one or its sender info or report blocks overrun it.</summary>
    public static bool TryParse(in RtcpPacket packet, out RtcpSenderReport report)
    {
        report = default;
        if (packet.PacketType != RtcpPacketType.SenderReport
            || packet.Body.Length < SenderInfoLength + (packet.Count * RtcpReportBlock.Length))
        {
            ParseFailureCounters.RtcpRejected();
            return false;
        }

        report = new RtcpSenderReport(packet.Body, packet.Count);
        return true;
    }

    /// <summary>Writes an SR with up to 31 report blocks; returns the bytes written.</summary>
    public static int Write(
        Span<byte> destination, uint ssrc, ulong ntpTimestamp, uint rtpTimestamp, uint packetCount, uint octetCount,
        ReadOnlySpan<RtcpReportBlock> reports = default)
    {
        var length = RtcpPacket.HeaderLength + SenderInfoLength + (reports.Length * RtcpReportBlock.Length);
        RtcpPacket.EnsureRoom(destination, length);
        RtcpPacket.WriteHeader(destination, reports.Length, RtcpPacketType.SenderReport, length);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], ssrc);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], ntpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], rtpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[20..], packetCount);
        BinaryPrimitives.WriteUInt32BigEndian(destination[24..], octetCount);
        for (var i = 0; i < reports.Length; i++)
        {
            reports[i].Write(destination[(28 + (i * RtcpReportBlock.Length))..]);
        }

        return length;
    }
}
