using BenchmarkDotNet.Attributes;
using CommunityStream.WebRtc.Rtp;

namespace CommunityStream.Media.Benchmarks;

/// <summary>What an SFU does to each forwarded packet: read the header (with a one-byte extension) and rewrite SSRC,
/// sequence number and timestamp in place.</summary>
[MemoryDiagnoser]
public class RtpRewriteBenchmarks
{
    private readonly byte[] _packet = new byte[1200];
    private ushort _sequence;

    [GlobalSetup]
    public void Setup()
    {
        var length = RtpHeader.Write(_packet, true, 96, 1000, 90000, 0xAABBCCDD);
        var extensions = new RtpHeaderExtensionWriter(_packet, length, twoByte: false);
        extensions.Add(4, "0"u8);
        extensions.Add(3, [0, 1]);
        extensions.Complete();
    }

    [Benchmark]
    public uint ReadAndRewrite()
    {
        if (!RtpHeader.TryRead(_packet, out var header))
        {
            return 0;
        }

        RtpHeader.Rewrite(_packet, 0x01020304, (ushort)(header.SequenceNumber + ++_sequence), header.Timestamp + 3000);
        return header.Ssrc;
    }
}
