using System.Buffers.Binary;
using CommunityStream.Media.Forwarding;

namespace CommunityStream.Media.Tests.Hls.Packaging.Support;

/// <summary>Annex-B H.264 split into access units, and RTP packets made from them as a WebRTC sender would (RFC 6184).</summary>
internal static class H264TestStream
{
    public static List<byte[]> SplitNals(byte[] annexB)
    {
        var nals = new List<byte[]>();
        var start = -1;
        for (var i = 0; i + 2 < annexB.Length; i++)
        {
            if (annexB[i] == 0 && annexB[i + 1] == 0 && annexB[i + 2] == 1)
            {
                if (start >= 0)
                {
                    var end = i;
                    while (end > start && annexB[end - 1] == 0)
                    {
                        end--;
                    }
                    nals.Add(annexB[start..end]);
                }
                start = i + 3;
                i += 2;
            }
        }
        if (start >= 0 && start < annexB.Length)
        {
            nals.Add(annexB[start..]);
        }
        return nals;
    }

    /// <summary>Groups NAL units into access units: a new one begins at a non-VCL unit after a slice, or at a slice with first_mb_in_slice 0.</summary>
    public static List<List<byte[]>> AccessUnits(List<byte[]> nals)
    {
        var units = new List<List<byte[]>>();
        List<byte[]>? current = null;
        var sawSlice = false;
        foreach (var nal in nals)
        {
            var type = nal[0] & 0x1F;
            var slice = type is >= 1 and <= 5;
            var firstSlice = slice && (nal[1] & 0x80) != 0;
            if (current is null || (sawSlice && (!slice || firstSlice)))
            {
                current = [];
                units.Add(current);
                sawSlice = false;
            }
            current.Add(nal);
            sawSlice |= slice;
        }
        return units;
    }

    public static bool IsIdr(List<byte[]> unit) => unit.Any(n => (n[0] & 0x1F) == 5);

    /// <summary>
    /// RTP payloads for one access unit: parameter sets (and SEI) aggregated in one STAP-A, small NAL units alone,
    /// larger ones as FU-A fragments of at most <paramref name="mtu"/> bytes.
    /// </summary>
    public static List<byte[]> Payloads(List<byte[]> unit, int mtu)
    {
        var payloads = new List<byte[]>();
        var aggregate = unit.Where(n => (n[0] & 0x1F) is 6 or 7 or 8 && n.Length + 3 < mtu).ToList();
        if (aggregate.Count > 1)
        {
            var stap = new List<byte> { (byte)(0x60 | 24) };
            foreach (var nal in aggregate)
            {
                stap.Add((byte)(nal.Length >> 8));
                stap.Add((byte)nal.Length);
                stap.AddRange(nal);
            }
            payloads.Add([.. stap]);
        }
        foreach (var nal in unit.Where(n => aggregate.Count <= 1 || !aggregate.Contains(n)))
        {
            if (nal.Length <= mtu)
            {
                payloads.Add(nal);
                continue;
            }
            var indicator = (byte)((nal[0] & 0xE0) | 28);
            var offset = 1;
            while (offset < nal.Length)
            {
                var take = Math.Min(mtu - 2, nal.Length - offset);
                var header = (byte)(nal[0] & 0x1F);
                if (offset == 1)
                {
                    header |= 0x80;
                }
                if (offset + take == nal.Length)
                {
                    header |= 0x40;
                }
                payloads.Add([indicator, header, .. nal.AsSpan(offset, take)]);
                offset += take;
            }
        }
        return payloads;
    }

    public static MediaPacket Packet(MediaKind kind, byte payloadType, ushort sequence, uint timestamp, bool marker, ReadOnlySpan<byte> payload, long receivedAt = 0)
    {
        var data = new byte[12 + payload.Length];
        data[0] = 0x80;
        data[1] = (byte)((marker ? 0x80 : 0) | payloadType);
        BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(2), sequence);
        BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(4), timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(8), kind == MediaKind.Video ? 0x1111u : 0x2222u);
        payload.CopyTo(data.AsSpan(12));
        return new MediaPacket(kind, data, 12, sequence, timestamp, marker, false, receivedAt);
    }

    /// <summary>All RTP packets of a stream of access units at <paramref name="frameTicks"/> 90 kHz ticks apart.</summary>
    public static List<MediaPacket> Packets(List<List<byte[]>> units, uint firstTimestamp, ushort firstSequence, uint frameTicks, int mtu, long firstReceivedAt = 0)
    {
        var packets = new List<MediaPacket>();
        var sequence = firstSequence;
        for (var i = 0; i < units.Count; i++)
        {
            var payloads = Payloads(units[i], mtu);
            var timestamp = unchecked(firstTimestamp + (uint)i * frameTicks);
            var receivedAt = firstReceivedAt == 0 ? 0 : firstReceivedAt + i * frameTicks * System.Diagnostics.Stopwatch.Frequency / 90_000;
            for (var p = 0; p < payloads.Count; p++)
            {
                packets.Add(Packet(MediaKind.Video, 102, sequence++, timestamp, p == payloads.Count - 1, payloads[p], receivedAt));
            }
        }
        return packets;
    }
}
