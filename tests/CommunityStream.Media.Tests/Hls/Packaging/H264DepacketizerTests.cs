using System.Buffers.Binary;
using CommunityStream.Media.Hls.Packaging;

namespace CommunityStream.Media.Tests.Hls.Packaging;

public sealed class H264DepacketizerTests
{
    private static readonly byte[] Sps = Mp4BoxLayoutTests.BaselineSps;
    private static readonly byte[] Pps = Mp4BoxLayoutTests.BaselinePps;

    private static byte[] Stap(params byte[][] nals)
    {
        var stap = new List<byte> { 0x78 };
        foreach (var nal in nals)
        {
            stap.Add((byte)(nal.Length >> 8));
            stap.Add((byte)nal.Length);
            stap.AddRange(nal);
        }
        return [.. stap];
    }

    private static byte[] Nal(byte header, int length, byte fill)
    {
        var nal = new byte[length];
        Array.Fill(nal, fill);
        nal[0] = header;
        return nal;
    }

    private static byte[][] FuA(byte[] nal, int pieces)
    {
        var body = nal.AsSpan(1);
        var size = (body.Length + pieces - 1) / pieces;
        var result = new byte[pieces][];
        for (var i = 0; i < pieces; i++)
        {
            var chunk = body.Slice(i * size, Math.Min(size, body.Length - i * size));
            var header = (byte)((nal[0] & 0x1F) | (i == 0 ? 0x80 : 0) | (i == pieces - 1 ? 0x40 : 0));
            result[i] = [(byte)((nal[0] & 0xE0) | 28), header, .. chunk];
        }
        return result;
    }

    private static byte[] Avcc(params byte[][] nals)
    {
        var bytes = new List<byte>();
        foreach (var nal in nals)
        {
            var length = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(length, (uint)nal.Length);
            bytes.AddRange(length);
            bytes.AddRange(nal);
        }
        return [.. bytes];
    }

    private static List<H264AccessUnit> ReadAll(H264Depacketizer depacketizer)
    {
        var units = new List<H264AccessUnit>();
        while (depacketizer.TryRead(out var unit))
        {
            units.Add(unit);
        }
        return units;
    }

    [Fact]
    public void Stap_a_parameter_sets_and_a_fragmented_idr_become_one_avcc_access_unit_without_sps_pps_or_aud()
    {
        var idr = Nal(0x65, 3000, 0x5A);
        var sei = Nal(0x06, 10, 0x01);
        var d = new H264Depacketizer();
        d.Push(1, 9000, false, [0x09, 0xF0]); // access unit delimiter
        d.Push(2, 9000, false, Stap(Sps, Pps, sei));
        var fragments = FuA(idr, 3);
        d.Push(3, 9000, false, fragments[0]);
        d.Push(4, 9000, false, fragments[1]);
        Assert.False(d.TryRead(out _));
        d.Push(5, 9000, true, fragments[2]);

        var unit = Assert.Single(ReadAll(d));
        Assert.True(unit.Idr);
        Assert.Equal(9000u, unit.Timestamp);
        Assert.Equal(Avcc(sei, idr), unit.Data);
        Assert.Equal(Sps, unit.Configuration.Sps);
        Assert.Equal(Pps, unit.Configuration.Pps);
        Assert.Equal((320, 240), (unit.Configuration.Info.Width, unit.Configuration.Info.Height));
        Assert.False(d.TakeKeyframeRequest());
    }

    [Fact]
    public void A_new_timestamp_ends_an_access_unit_whose_marker_was_not_set_and_slices_of_one_picture_stay_together()
    {
        var d = new H264Depacketizer();
        var sliceA = Nal(0x65, 50, 1);
        var sliceB = Nal(0x65, 60, 2);
        d.Push(10, 0, false, Stap(Sps, Pps));
        d.Push(11, 0, false, sliceA);
        d.Push(12, 0, false, sliceB);
        var p = Nal(0x41, 40, 3);
        d.Push(13, 3000, true, p);

        var units = ReadAll(d);
        Assert.Equal(2, units.Count);
        Assert.Equal(Avcc(sliceA, sliceB), units[0].Data);
        Assert.Equal(Avcc(p), units[1].Data);
        Assert.False(units[1].Idr);
        Assert.Same(units[0].Configuration, units[1].Configuration);
    }

    [Fact]
    public void Padding_only_packets_between_pictures_take_a_sequence_number_and_break_nothing()
    {
        var d = new H264Depacketizer();
        d.Push(1, 0, false, Stap(Sps, Pps));
        d.Push(2, 0, true, Nal(0x65, 30, 1));
        d.Push(3, 0, false, []); // a bandwidth probe: RTP padding only, the previous picture's timestamp
        d.Push(4, 0, false, []);
        d.Push(5, 3000, true, Nal(0x41, 30, 2));

        Assert.Equal([true, false], ReadAll(d).Select(u => u.Idr));
        Assert.Equal(0, d.DroppedUnits);
        Assert.False(d.TakeKeyframeRequest());
    }

    [Fact]
    public void Packets_reordered_within_the_window_give_the_same_access_unit()
    {
        var idr = Nal(0x65, 4000, 7);
        var fragments = FuA(idr, 4);
        var d = new H264Depacketizer();
        d.Push(100, 1, false, Stap(Sps, Pps));
        d.Push(102, 1, false, fragments[1]);
        d.Push(101, 1, false, fragments[0]);
        d.Push(104, 1, true, fragments[3]);
        d.Push(103, 1, false, fragments[2]);

        var unit = Assert.Single(ReadAll(d));
        Assert.Equal(Avcc(idr), unit.Data);
        Assert.Equal(0, d.DroppedUnits);
        d.Push(102, 1, false, fragments[1]); // a late duplicate changes nothing
        Assert.Equal(1, d.LatePackets);
    }

    [Fact]
    public void A_lost_packet_drops_its_picture_asks_for_a_keyframe_and_waits_for_the_next_idr()
    {
        var d = new H264Depacketizer(new H264DepacketizerLimits(ReorderPackets: 2));
        ushort seq = 0;
        d.Push(seq++, 0, false, Stap(Sps, Pps));
        d.Push(seq++, 0, true, Nal(0x65, 100, 1));
        var fragments = FuA(Nal(0x41, 900, 2), 3);
        d.Push(seq++, 3000, false, fragments[0]);
        seq++; // fragments[1] lost
        d.Push(seq++, 3000, true, fragments[2]);
        for (uint frame = 2; frame < 6; frame++)
        {
            d.Push(seq++, frame * 3000, true, Nal(0x41, 50, (byte)frame)); // decodable only with the lost picture
        }
        Assert.True(d.TakeKeyframeRequest());
        Assert.False(d.TakeKeyframeRequest());
        Assert.True(d.WaitingForIdr);
        d.Push(seq++, 6 * 3000, true, Nal(0x65, 80, 9));
        d.Push(seq++, 7 * 3000, true, Nal(0x41, 30, 10));

        var units = ReadAll(d);
        Assert.Equal([0u, 18000u, 21000u], units.Select(u => u.Timestamp));
        Assert.Equal([true, true, false], units.Select(u => u.Idr));
        Assert.Equal(5, d.DroppedUnits);
        Assert.False(d.WaitingForIdr);
    }

    [Fact]
    public void Sprop_parameter_sets_serve_an_idr_that_brings_none_and_a_p_frame_first_is_dropped_with_a_keyframe_request()
    {
        var sprop = Convert.ToBase64String(Sps) + "," + Convert.ToBase64String(Pps);
        var d = new H264Depacketizer(spropParameterSets: sprop);
        d.Push(1, 0, true, Nal(0x41, 20, 1));
        Assert.True(d.TakeKeyframeRequest());
        d.Push(2, 3000, true, Nal(0x65, 20, 2));

        var unit = Assert.Single(ReadAll(d));
        Assert.True(unit.Idr);
        Assert.Equal(Sps, unit.Configuration.Sps);

        var withoutSets = new H264Depacketizer(spropParameterSets: "not base64!,,");
        withoutSets.Push(1, 0, true, Nal(0x65, 20, 2));
        Assert.Empty(ReadAll(withoutSets)); // an IDR without parameter sets cannot start the stream
        Assert.True(withoutSets.TakeKeyframeRequest());
    }

    [Fact]
    public void New_parameter_sets_give_a_new_configuration_and_an_oversized_picture_is_dropped()
    {
        var d = new H264Depacketizer(new H264DepacketizerLimits(MaxAccessUnitBytes: 10_000));
        d.Push(1, 0, false, Stap(Sps, Pps));
        d.Push(2, 0, true, Nal(0x65, 100, 1));
        var fragments = FuA(Nal(0x41, 12_000, 2), 12);
        ushort seq = 3;
        foreach (var fragment in fragments)
        {
            d.Push(seq++, 3000, fragment == fragments[^1], fragment);
        }
        var otherPps = new byte[] { 0x68, 0xCE, 0x3C, 0x80 };
        d.Push(seq++, 6000, false, Stap(Sps, otherPps));
        d.Push(seq++, 6000, true, Nal(0x65, 100, 3));

        var units = ReadAll(d);
        Assert.Equal(2, units.Count);
        Assert.Equal(1, d.DroppedUnits);
        Assert.NotSame(units[0].Configuration, units[1].Configuration);
        Assert.Equal(otherPps, units[1].Configuration.Pps);
        Assert.False(units[1].Configuration.SameAs(units[0].Configuration));
    }

    [Fact]
    public void Random_and_truncated_payloads_never_throw_and_never_make_it_hold_more_than_its_limits()
    {
        var random = new Random(6184);
        var limits = new H264DepacketizerLimits(MaxAccessUnitBytes: 64 * 1024, ReorderPackets: 8);
        var d = new H264Depacketizer(limits);
        var valid = new List<byte[]> { Stap(Sps, Pps), Nal(0x65, 300, 1), Nal(0x41, 200, 2) };
        valid.AddRange(FuA(Nal(0x65, 5000, 3), 5));
        ushort seq = 0;
        uint timestamp = 0;
        var emitted = 0;
        for (var i = 0; i < 200_000; i++)
        {
            byte[] payload;
            switch (random.Next(4))
            {
                case 0:
                    payload = new byte[random.Next(0, 1400)];
                    random.NextBytes(payload);
                    break;
                case 1:
                    var source = valid[random.Next(valid.Count)];
                    payload = source[..random.Next(0, source.Length + 1)];
                    break;
                case 2:
                    // An FU-A middle fragment that never ends: the picture it builds must stay bounded.
                    payload = new byte[1200];
                    random.NextBytes(payload);
                    payload[0] = 0x7C;
                    payload[1] = 0x05;
                    break;
                default:
                    payload = valid[random.Next(valid.Count)];
                    break;
            }
            seq = (ushort)(seq + (random.Next(10) == 0 ? random.Next(-20, 200) : 1));
            timestamp += random.Next(5) == 0 ? (uint)random.Next(0, 6000) : 0;
            d.Push(seq, timestamp, random.Next(8) == 0, payload);
            Assert.InRange(d.RetainedBytes, 0, limits.MaxAccessUnitBytes + limits.ReorderPackets * 1400);
            while (d.TryRead(out var unit))
            {
                emitted++;
                Assert.InRange(unit.Data.Length, 5, limits.MaxAccessUnitBytes);
                AssertAvcc(unit.Data);
            }
        }
        d.Flush();

        Assert.True(emitted > 0, "some valid pictures get through");
        Assert.True(d.DroppedUnits > 0);
        Assert.True(d.LatePackets > 0);
    }

    private static void AssertAvcc(byte[] data)
    {
        var at = 0;
        while (at < data.Length)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(at));
            Assert.InRange(length, 1, data.Length - at - 4);
            Assert.NotEqual(7, data[at + 4] & 0x1F);
            Assert.NotEqual(9, data[at + 4] & 0x1F);
            at += 4 + length;
        }
    }
}
