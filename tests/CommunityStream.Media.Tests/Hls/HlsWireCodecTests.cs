using System.Runtime.Serialization;
using CommunityStream.Media.Hls;
using CommunityStream.Media.Hls.Packaging;

namespace CommunityStream.Media.Tests.Hls;

public sealed class HlsWireCodecTests
{
    private static readonly CmafPart Part = new(SyntheticParts.BytesOf(3, 150_000), TimeSpan.FromMilliseconds(333), true, new DateTimeOffset(2026, 12, 7, 5, 0, 1, 250, TimeSpan.Zero), 1);

    [Fact]
    public void Should_cut_a_large_part_into_chunks_below_the_frame_size_and_put_it_back_together()
    {
        var change = new HlsPartAdded(41, 7, 3, 2, true, Part);
        var chunks = HlsWireCodec.Encode(change).ToList();
        Assert.Equal(3, chunks.Count);
        Assert.All(chunks, c => Assert.True(c.Data.Length <= HlsWireCodec.MaxChunk));
        Assert.Equal([false, false, true], chunks.Select(c => c.Last));
        using var assembler = new HlsWireAssembler();
        Assert.Null(assembler.Add(chunks[0]));
        Assert.Null(assembler.Add(chunks[1]));
        var decoded = Assert.IsType<HlsPartAdded>(assembler.Add(chunks[2]));
        Assert.Equal((41L, 7L, 3, 2, true), (decoded.Number, decoded.Msn, decoded.Index, decoded.InitId, decoded.Discontinuity));
        Assert.Equal((Part.Duration, Part.Independent, Part.ProgramDateTime), (decoded.Part.Duration, decoded.Part.Independent, decoded.Part.ProgramDateTime));
        Assert.Equal(Part.Bytes.ToArray(), decoded.Part.Bytes.ToArray());
    }

    [Fact]
    public void Should_round_trip_the_other_events()
    {
        var begin = new HlsWindowBegin("mk3x9", SyntheticParts.Settings, 4);
        Assert.Equal(begin, HlsWireCodec.Deserialize(HlsWireCodec.Serialize(begin)));
        var init = Assert.IsType<HlsInitAdded>(HlsWireCodec.Deserialize(HlsWireCodec.Serialize(new HlsInitAdded(3, SyntheticParts.Init(9)))));
        Assert.Equal(3, init.Id);
        Assert.Equal(SyntheticParts.Init(9), init.Bytes.ToArray());
        Assert.Same(HlsWindowEnded.Instance, HlsWireCodec.Deserialize(HlsWireCodec.Serialize(HlsWindowEnded.Instance)));
        Assert.Same(HlsSnapshotSent.Instance, HlsWireCodec.Deserialize(HlsWireCodec.Serialize(HlsSnapshotSent.Instance)));
    }

    [Fact]
    public void Should_reject_random_and_truncated_events_with_a_serialization_error_only()
    {
        var samples = new[]
        {
            HlsWireCodec.Serialize(new HlsWindowBegin("mk3x9", SyntheticParts.Settings, 4)),
            HlsWireCodec.Serialize(new HlsPartAdded(1, 1, 0, 1, false, Part with { Bytes = new byte[10] })),
        };
        foreach (var sample in samples)
        {
            for (var length = 0; length < sample.Length - (sample[0] == 3 ? 10 : 0); length++)
            {
                Assert.Throws<SerializationException>(() => HlsWireCodec.Deserialize(sample.AsSpan(0, length)));
            }
        }
        var random = new Random(18);
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = new byte[random.Next(0, 80)];
            random.NextBytes(bytes);
            if (bytes.Length > 0)
            {
                bytes[0] = (byte)random.Next(0, 6);
            }
            try
            {
                _ = HlsWireCodec.Deserialize(bytes);
            }
            catch (SerializationException)
            {
            }
        }
    }
}
