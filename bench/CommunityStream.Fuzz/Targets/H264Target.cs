using System.Buffers.Binary;
using CommunityStream.Media.Hls.Packaging;

namespace CommunityStream.Fuzz.Targets;

/// <summary>
/// The LL-HLS packager's <see cref="H264Depacketizer"/> (RFC 6184) and <see cref="H264SequenceParameterSet"/> parser.
/// One input is a run of RTP payloads, each framed as [flags][16-bit length][payload]: flags bit 7 the marker, bit 6 a new
/// timestamp, bits 0–2 the sequence step minus one (reordering and gaps). Invariants: every access unit that comes out
/// is well-formed AVCC within the size limit and free of SPS/PPS/AUD, and the depacketizer never holds more than its
/// limits allow. Accepted when at least one access unit came out.
/// </summary>
internal sealed class H264Target : FuzzTarget
{
    private static readonly H264DepacketizerLimits Limits = new(MaxAccessUnitBytes: 32 * 1024, ReorderPackets: 4);
    private static readonly byte[] Sps = Convert.FromHexString("6742c00dd90141fb0110000003001000000303c0f142a480");
    private static readonly byte[] Pps = Convert.FromHexString("68cb83cb20");

    public override string Name => "h264";

    public override int MaxLength => 4096;

    public override IReadOnlyList<byte[]> Seeds { get; } = BuildSeeds();

    public override IReadOnlyList<byte[]> Dictionary { get; } =
        [[0x78], [0x7C, 0x85], [0x7C, 0x45], [0x7C, 0x05], [0x65], [0x41], [0x67, 0x42], [0x68], [0x09, 0xF0], [0x80], [0xC0], [0x00, 0x00, 0x03]];

    public override FuzzOutcome Run(ReadOnlySpan<byte> input)
    {
        var depacketizer = new H264Depacketizer(Limits);
        ushort sequence = 0;
        uint timestamp = 0;
        var units = 0;
        while (input.Length >= 3)
        {
            var flags = input[0];
            var length = Math.Min(BinaryPrimitives.ReadUInt16BigEndian(input[1..]), input.Length - 3);
            var payload = input.Slice(3, length);
            input = input[(3 + length)..];
            sequence = (ushort)(sequence + 1 + (flags & 7));
            timestamp += (flags & 0x40) != 0 ? 3000u : 0;
            if (payload.Length > 0 && (payload[0] & 0x1F) == 7)
            {
                H264SequenceParameterSet.TryParse(payload);
            }
            depacketizer.Push(sequence, timestamp, (flags & 0x80) != 0, payload);
            if (depacketizer.RetainedBytes > Limits.MaxAccessUnitBytes + Limits.ReorderPackets * 2048)
            {
                throw new InvariantViolation($"holds {depacketizer.RetainedBytes} bytes");
            }
            while (depacketizer.TryRead(out var unit))
            {
                units++;
                CheckAvcc(unit.Data);
            }
        }
        depacketizer.Flush();
        while (depacketizer.TryRead(out var unit))
        {
            units++;
            CheckAvcc(unit.Data);
        }
        return units > 0 ? FuzzOutcome.Accepted : FuzzOutcome.Rejected;
    }

    private static void CheckAvcc(byte[] data)
    {
        if (data.Length > Limits.MaxAccessUnitBytes)
        {
            throw new InvariantViolation($"an access unit of {data.Length} bytes");
        }
        var at = 0;
        while (at < data.Length)
        {
            var length = data.Length - at >= 4 ? BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(at)) : 0;
            if (length == 0 || length > data.Length - at - 4)
            {
                throw new InvariantViolation("a NAL unit length runs past its access unit");
            }
            var type = data[at + 4] & 0x1F;
            if (type is 7 or 8 or 9)
            {
                throw new InvariantViolation($"NAL unit type {type} left in a sample");
            }
            at += 4 + (int)length;
        }
    }

    private static List<byte[]> BuildSeeds()
    {
        var idr = new byte[600];
        idr[0] = 0x65;
        idr.AsSpan(1).Fill(0x5A);
        var stap = new List<byte> { 0x78, 0, (byte)Sps.Length };
        stap.AddRange(Sps);
        stap.AddRange([0, (byte)Pps.Length, .. Pps]);
        var fragments = new List<byte[]>();
        for (var offset = 1; offset < idr.Length; offset += 200)
        {
            var take = Math.Min(200, idr.Length - offset);
            var header = (byte)(5 | (offset == 1 ? 0x80 : 0) | (offset + take == idr.Length ? 0x40 : 0));
            fragments.Add([0x7C, header, .. idr.AsSpan(offset, take)]);
        }
        byte[] p = [0x41, 0x9A, 1, 2, 3, 4, 5, 6];
        return
        [
            Frame((0x00, [.. stap]), (0x80, idr[..8])),
            Frame([(0x00, [.. stap]), .. fragments[..^1].Select(f => ((byte)0x00, f)), (0x80, fragments[^1]), (0xC0, p), (0xC0, p)]),
            Frame((0x00, [0x09, 0xF0]), (0x00, [.. stap]), (0x80, idr[..8]), (0xC1, p), (0xC0, p), (0x40, [.. stap]), (0xC0, idr[..8])), // a gap, then an IDR
        ];
    }

    private static byte[] Frame(params (byte Flags, byte[] Payload)[] packets)
    {
        var bytes = new List<byte>();
        foreach (var (flags, payload) in packets)
        {
            bytes.Add(flags);
            bytes.Add((byte)(payload.Length >> 8));
            bytes.Add((byte)payload.Length);
            bytes.AddRange(payload);
        }
        return [.. bytes];
    }
}
