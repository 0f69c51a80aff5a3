using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using CommunityStream.Media.Forwarding;
using CommunityStream.Media.Hls.Packaging;

namespace CommunityStream.Media.Benchmarks;

/// <summary>
/// LL-HLS packaging cost of a 2.5 Mbit/s H.264 + 64 kbit/s Opus publisher: one operation packages 10 s of its RTP
/// (30 fps, IDR every 2 s, 1,200-byte FU-A packets, 20 ms Opus) into CMAF parts with a fresh packager, init segment
/// included. Baseline: copying the same payload bytes once into one buffer, the least any remuxer must do.
/// Divide by 10 for the cost per second of stream. <see cref="LiveCmafPackager"/> and the packet types are the Media
/// module's own source files compiled into this project (see its .csproj).
/// </summary>
[MemoryDiagnoser]
public class CmafPackagingBenchmarks
{
    private const int Seconds = 10;
    private const int VideoBitsPerSecond = 2_500_000;
    // libx264 baseline 1280x720.
    private static readonly byte[] Sps = Convert.FromHexString("6742c01fd9005005bb0110000003001000000303c0f1832480");
    private static readonly byte[] Pps = Convert.FromHexString("68cb83cb20");
    private readonly PublishedTrack[] _tracks =
    [
        new(MediaKind.Video, 102, "H264", 90_000, "packetization-mode=1;profile-level-id=42e01f"),
        new(MediaKind.Audio, 111, "opus", 48_000),
    ];
    private MediaPacket[] _packets = [];
    private byte[] _copy = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(2500);
        var packets = new List<(long Time, MediaPacket Packet)>();
        ushort videoSequence = 0;
        var frameBytes = VideoBitsPerSecond / 8 / 30;
        for (var frame = 0; frame < Seconds * 30; frame++)
        {
            var idr = frame % 60 == 0;
            var nal = new byte[idr ? frameBytes * 4 : frameBytes * 56 / 59];
            random.NextBytes(nal);
            nal[0] = idr ? (byte)0x65 : (byte)0x41;
            var timestamp = (uint)frame * 3000;
            var payloads = new List<byte[]>();
            if (idr)
            {
                payloads.Add([0x78, 0, (byte)Sps.Length, .. Sps, 0, (byte)Pps.Length, .. Pps]);
            }
            for (var offset = 1; offset < nal.Length; offset += 1188)
            {
                var take = Math.Min(1188, nal.Length - offset);
                var header = (byte)((nal[0] & 0x1F) | (offset == 1 ? 0x80 : 0) | (offset + take == nal.Length ? 0x40 : 0));
                payloads.Add([(byte)((nal[0] & 0xE0) | 28), header, .. nal.AsSpan(offset, take)]);
            }
            for (var i = 0; i < payloads.Count; i++)
            {
                packets.Add((frame * 3000L * 8 / 15, Packet(MediaKind.Video, 102, videoSequence++, timestamp, i == payloads.Count - 1, payloads[i])));
            }
        }
        for (var i = 0; i < Seconds * 50; i++)
        {
            var opus = new byte[160];
            random.NextBytes(opus);
            opus[0] = 0xF8;
            packets.Add((i * 960L + 1, Packet(MediaKind.Audio, 111, (ushort)i, (uint)i * 960, false, opus)));
        }
        _packets = packets.OrderBy(p => p.Time).Select(p => p.Packet).ToArray();
        _copy = new byte[_packets.Sum(p => p.Payload.Length)];
        if (Package() < _copy.Length)
        {
            throw new InvalidOperationException("the packager left out media: the benchmark would measure nothing");
        }
    }

    [Benchmark(Baseline = true)]
    public int CopyPayloads()
    {
        var at = 0;
        foreach (var packet in _packets)
        {
            packet.Payload.CopyTo(_copy.AsSpan(at));
            at += packet.Payload.Length;
        }
        return at;
    }

    [Benchmark]
    public long Package()
    {
        var output = new CountingOutput();
        var packager = new LiveCmafPackager(_tracks, output);
        foreach (var packet in _packets)
        {
            packager.Push(packet);
        }
        packager.Finish();
        return output.Bytes;
    }

    private static MediaPacket Packet(MediaKind kind, byte payloadType, ushort sequence, uint timestamp, bool marker, byte[] payload)
    {
        var data = new byte[12 + payload.Length];
        data[0] = 0x80;
        data[1] = (byte)((marker ? 0x80 : 0) | payloadType);
        BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(2), sequence);
        BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(4), timestamp);
        payload.CopyTo(data.AsSpan(12));
        return new MediaPacket(kind, data, 12, sequence, timestamp, marker, false, 0);
    }

    private sealed class CountingOutput : ICmafOutput
    {
        public long Bytes { get; private set; }

        public int Parts { get; private set; }

        public void InitSegment(ReadOnlyMemory<byte> init) => Bytes += init.Length;

        public void Part(CmafPart part)
        {
            Bytes += part.Bytes.Length;
            Parts++;
        }

        public void KeyframeWanted()
        {
        }
    }
}
