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

    public uint Ssrc => BinaryPrimitives.ReadUInt32BigEndian(_body);

    public int ReportCount { get; }

    public RtcpReportBlock GetReportBlock(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, ReportCount);
        return RtcpReportBlock.Read(_body[(4 + (index * RtcpReportBlock.Length))..]);
    }

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
