using CommunityStream.WebRtc.Rtcp;

namespace CommunityStream.WebRtc.Tests.Rtcp;

/// <summary>
/// Bounded, seeded fuzzing (<see cref="ParserFuzz"/>): random bytes, truncations and bit flips of valid packets go
/// through the compound reader and every typed RTCP parser, which must never throw.
/// </summary>
public sealed class RtcpParserFuzzTests
{
    [Fact]
    public void Rtcp_parsers_never_throw()
    {
        var seeds = new List<byte[]>();
        var buffer = new byte[512];
        seeds.Add(Slice(buffer, RtcpSenderReport.Write(buffer, 1, 2, 3, 4, 5, [new RtcpReportBlock(1, 2, 3, 4, 5, 6, 7)])));
        seeds.Add(Slice(buffer, RtcpReceiverReport.Write(buffer, 1, [new RtcpReportBlock(1, 2, 3, 4, 5, 6, 7)])));
        seeds.Add(Hex.Decode("81 ca 00 03 00 00 00 01 01 05 63 6e 61 6d 65 00")); // SDES CNAME, walked past unparsed
        seeds.Add(Slice(buffer, RtcpGoodbye.Write(buffer, [1u, 2u], "bye")));
        seeds.Add(Slice(buffer, RtcpGenericNack.Write(buffer, 1, 2, [1, 2, 5, 40])));
        seeds.Add(Slice(buffer, RtcpPictureLossIndication.Write(buffer, 1, 2)));
        seeds.Add(Slice(buffer, RtcpReceiverEstimatedMaxBitrate.Write(buffer, 1, 1_000_000, [2u])));
        seeds.Add([.. seeds[0], .. seeds[2], .. seeds[3], .. seeds[6]]);

        ParserFuzz.Run(seeds, 0x7C7C, static input =>
        {
            var reader = new RtcpCompoundReader(input);
            Span<ushort> lost = stackalloc ushort[64];
            Span<uint> ssrcs = stackalloc uint[8];
            while (reader.TryReadNext(out var packet))
            {
                if (RtcpSenderReport.TryParse(packet, out var sr))
                {
                    for (var i = 0; i < sr.ReportCount; i++)
                    {
                        sr.GetReportBlock(i);
                    }
                }

                if (RtcpReceiverReport.TryParse(packet, out var rr))
                {
                    for (var i = 0; i < rr.ReportCount; i++)
                    {
                        rr.GetReportBlock(i);
                    }
                }

                if (RtcpGoodbye.TryParse(packet, out var bye))
                {
                    for (var i = 0; i < bye.SourceCount; i++)
                    {
                        bye.GetSsrc(i);
                    }
                }

                RtcpGenericNack.ReadLostSequenceNumbers(packet, out _, out _, lost);
                _ = RtcpPictureLossIndication.TryParse(packet, out _, out _);
                RtcpReceiverEstimatedMaxBitrate.Read(packet, out _, out _, ssrcs);
            }
        });
    }

    private static byte[] Slice(byte[] buffer, int length) => buffer[..length];
}
