using System.Buffers.Binary;

namespace CommunityStream.WebRtc.Rtcp;

/// <summary>Receiver report (RFC 3550 §6.4.2): reporter SSRC and reception report blocks, read in place.</summary>
public readonly ref struct RtcpReceiverReport
{
    private readonly ReadOnlySpan<byte> _body;

    private RtcpReceiverReport(ReadOnlySpan<byte> body, int reportCount)
    {
        _body = body;
        ReportCount = reportCount;
    }

    /// <summary>SSRC of the reporter.</summary>
    public uint Ssrc => BinaryPrimitives.ReadUInt32BigEndian(_body);

    /// <summary>Number of report blocks.</summary>
    public int ReportCount { get; }

    /// <summary>Report block <paramref name="index"/> (0 to <see cref="ReportCount"/> − 1).</summary>
    public RtcpReportBlock GetReportBlock(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, ReportCount);
        return RtcpReportBlock.Read(_body[(4 + (index * RtcpReportBlock.Length))..]);
    }

    /// <summary>Reads an RR; false (counted) when the packet is not one or its report blocks overrun it.</summary>
    public static bool TryParse(in RtcpPacket packet, out RtcpReceiverReport report)
    {
        report = default;
        if (packet.PacketType != RtcpPacketType.ReceiverReport || packet.Body.Length < 4 + (packet.Count * RtcpReportBlock.Length))
        {
            ParseFailureCounters.RtcpRejected();
            return false;
        }

        report = new RtcpReceiverReport(packet.Body, packet.Count);
        return true;
    }

    /// <summary>Writes an RR with up to 31 report blocks; returns the bytes written.</summary>
    public static int Write(Span<byte> destination, uint ssrc, ReadOnlySpan<RtcpReportBlock> reports = default)
    {
        var length = RtcpPacket.HeaderLength + 4 + (reports.Length * RtcpReportBlock.Length);
        RtcpPacket.EnsureRoom(destination, length);
        RtcpPacket.WriteHeader(destination, reports.Length, RtcpPacketType.ReceiverReport, length);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], ssrc);
        for (var i = 0; i < reports.Length; i++)
        {
            reports[i].Write(destination[(8 + (i * RtcpReportBlock.Length))..]);
        }

        return length;
    }
}
