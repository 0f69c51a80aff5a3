using CommunityStream.WebRtc.Rtcp;

namespace CommunityStream.Fuzz.Targets;

/// <summary>
/// <see cref="RtcpCompoundReader"/> and every typed RTCP parser (SR, RR, BYE, generic NACK, PLI, REMB). Round trip:
/// each packet that parses is written again with its own writer and must read back the same.
/// </summary>
internal sealed class RtcpTarget : FuzzTarget
{
    private readonly byte[] _rewritten = new byte[8192];
    private readonly RtcpReportBlock[] _blocks = new RtcpReportBlock[31];
    private readonly uint[] _ssrcs = new uint[31];
    private readonly ushort[] _lost = new ushort[1024];
    private readonly ushort[] _lostAgain = new ushort[1024];

    public override string Name => "rtcp";

    public override IReadOnlyList<byte[]> Seeds { get; } = BuildSeeds();

    public override IReadOnlyList<byte[]> Dictionary { get; } =
        [[0x80, 200], [0x81, 201], [0x81, 202], [0x81, 203], [0x81, 205], [0x81, 206], [0x8F, 206], "REMB"u8.ToArray(), [0x00, 0x00], [0xFF, 0xFF]];

    public override FuzzOutcome Run(ReadOnlySpan<byte> input)
    {
        var reader = new RtcpCompoundReader(input);
        Span<uint> rembSsrcs = stackalloc uint[8];
        while (reader.TryReadNext(out var packet))
        {
            if (RtcpSenderReport.TryParse(packet, out var sr))
            {
                CheckSenderReport(sr);
            }
            if (RtcpReceiverReport.TryParse(packet, out var rr))
            {
                CheckReceiverReport(rr);
            }
            if (RtcpGoodbye.TryParse(packet, out var bye))
            {
                CheckGoodbye(bye);
            }
            var lost = RtcpGenericNack.ReadLostSequenceNumbers(packet, out var nackSender, out var nackMedia, _lost);
            if (lost > 0)
            {
                CheckNack(nackSender, nackMedia, _lost.AsSpan(0, lost));
            }
            if (RtcpPictureLossIndication.TryParse(packet, out var pliSender, out var pliMedia))
            {
                var length = RtcpPictureLossIndication.Write(_rewritten, pliSender, pliMedia);
                var again = new RtcpCompoundReader(_rewritten.AsSpan(0, length));
                if (!again.TryReadNext(out var copy) || !RtcpPictureLossIndication.TryParse(copy, out var s, out var m) || s != pliSender || m != pliMedia)
                {
                    throw new InvariantViolation("PLI round trip");
                }
            }
            var count = RtcpReceiverEstimatedMaxBitrate.Read(packet, out var rembSender, out var bitrate, rembSsrcs);
            if (count >= 0 && bitrate != ulong.MaxValue)
            {
                CheckRemb(rembSender, bitrate, rembSsrcs[..count]);
            }
        }
        return reader.IsMalformed ? FuzzOutcome.Rejected : FuzzOutcome.Accepted;
    }

    private void CheckSenderReport(in RtcpSenderReport sr)
    {
        for (var i = 0; i < sr.ReportCount; i++)
        {
            _blocks[i] = sr.GetReportBlock(i);
        }
        var length = RtcpSenderReport.Write(_rewritten, sr.Ssrc, sr.NtpTimestamp, sr.RtpTimestamp, sr.PacketCount, sr.OctetCount, _blocks.AsSpan(0, sr.ReportCount));
        var reader = new RtcpCompoundReader(_rewritten.AsSpan(0, length));
        if (!reader.TryReadNext(out var packet) || !RtcpSenderReport.TryParse(packet, out var again) || again.Ssrc != sr.Ssrc
            || again.NtpTimestamp != sr.NtpTimestamp || again.RtpTimestamp != sr.RtpTimestamp || again.PacketCount != sr.PacketCount
            || again.OctetCount != sr.OctetCount || again.ReportCount != sr.ReportCount)
        {
            throw new InvariantViolation("SR round trip");
        }
        for (var i = 0; i < sr.ReportCount; i++)
        {
            if (again.GetReportBlock(i) != _blocks[i])
            {
                throw new InvariantViolation($"SR report block {i} round trip");
            }
        }
    }

    private void CheckReceiverReport(in RtcpReceiverReport rr)
    {
        for (var i = 0; i < rr.ReportCount; i++)
        {
            _blocks[i] = rr.GetReportBlock(i);
        }
        var length = RtcpReceiverReport.Write(_rewritten, rr.Ssrc, _blocks.AsSpan(0, rr.ReportCount));
        var reader = new RtcpCompoundReader(_rewritten.AsSpan(0, length));
        if (!reader.TryReadNext(out var packet) || !RtcpReceiverReport.TryParse(packet, out var again) || again.Ssrc != rr.Ssrc || again.ReportCount != rr.ReportCount)
        {
            throw new InvariantViolation("RR round trip");
        }
        for (var i = 0; i < rr.ReportCount; i++)
        {
            if (again.GetReportBlock(i) != _blocks[i])
            {
                throw new InvariantViolation($"RR report block {i} round trip");
            }
        }
    }

    private void CheckGoodbye(in RtcpGoodbye bye)
    {
        for (var i = 0; i < bye.SourceCount; i++)
        {
            _ssrcs[i] = bye.GetSsrc(i);
        }
        // The writer takes the reason as text: only a UTF-8 reason can round-trip.
        if (!System.Text.Unicode.Utf8.IsValid(bye.Reason))
        {
            return;
        }
        var reason = bye.Reason.IsEmpty ? null : System.Text.Encoding.UTF8.GetString(bye.Reason);
        var length = RtcpGoodbye.Write(_rewritten, _ssrcs.AsSpan(0, bye.SourceCount), reason);
        var reader = new RtcpCompoundReader(_rewritten.AsSpan(0, length));
        if (!reader.TryReadNext(out var packet) || !RtcpGoodbye.TryParse(packet, out var again) || again.SourceCount != bye.SourceCount
            || !again.Reason.SequenceEqual(bye.Reason))
        {
            throw new InvariantViolation("BYE round trip");
        }
        for (var i = 0; i < bye.SourceCount; i++)
        {
            if (again.GetSsrc(i) != _ssrcs[i])
            {
                throw new InvariantViolation($"BYE SSRC {i} round trip");
            }
        }
    }

    private void CheckNack(uint sender, uint media, ReadOnlySpan<ushort> lost)
    {
        // The writer packs an ascending (wrap-aware) list; only such a list comes back unchanged.
        for (var i = 1; i < lost.Length; i++)
        {
            if ((ushort)(lost[i] - lost[i - 1]) is 0 or > 0x7FFF)
            {
                return;
            }
        }
        var length = RtcpGenericNack.Write(_rewritten, sender, media, lost);
        var reader = new RtcpCompoundReader(_rewritten.AsSpan(0, length));
        if (!reader.TryReadNext(out var packet))
        {
            throw new InvariantViolation("NACK round trip: the written packet does not read");
        }
        var count = RtcpGenericNack.ReadLostSequenceNumbers(packet, out var s, out var m, _lostAgain);
        if (s != sender || m != media || count != lost.Length || !_lostAgain.AsSpan(0, count).SequenceEqual(lost))
        {
            throw new InvariantViolation("NACK round trip");
        }
    }

    private void CheckRemb(uint sender, ulong bitrate, ReadOnlySpan<uint> ssrcs)
    {
        var length = RtcpReceiverEstimatedMaxBitrate.Write(_rewritten, sender, bitrate, ssrcs);
        var reader = new RtcpCompoundReader(_rewritten.AsSpan(0, length));
        Span<uint> again = stackalloc uint[8];
        if (!reader.TryReadNext(out var packet) || RtcpReceiverEstimatedMaxBitrate.Read(packet, out var s, out var b, again) != ssrcs.Length
            || s != sender || b != bitrate || !again[..ssrcs.Length].SequenceEqual(ssrcs))
        {
            throw new InvariantViolation("REMB round trip");
        }
    }

    private static List<byte[]> BuildSeeds()
    {
        var seeds = new List<byte[]>();
        var buffer = new byte[512];
        var block = new RtcpReportBlock(1, 2, -3, 4, 5, 6, 7);
        seeds.Add(buffer[..RtcpSenderReport.Write(buffer, 1, 2, 3, 4, 5, [block])]);
        seeds.Add(buffer[..RtcpReceiverReport.Write(buffer, 1, [block, block with { Ssrc = 9 }])]);
        seeds.Add(Convert.FromHexString("81CA00030000000101056363616D6500")); // SDES CNAME, walked past unparsed
        seeds.Add(buffer[..RtcpGoodbye.Write(buffer, [1u, 2u], "bye")]);
        seeds.Add(buffer[..RtcpGenericNack.Write(buffer, 1, 2, [1, 2, 5, 40, 65535])]);
        seeds.Add(buffer[..RtcpPictureLossIndication.Write(buffer, 1, 2)]);
        seeds.Add(buffer[..RtcpReceiverEstimatedMaxBitrate.Write(buffer, 1, 1_000_000, [2u, 3u])]);
        seeds.Add([.. seeds[0], .. seeds[2], .. seeds[3], .. seeds[6]]);
        return seeds;
    }
}
