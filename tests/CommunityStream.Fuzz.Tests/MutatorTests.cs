namespace CommunityStream.Fuzz.Tests;

/// <summary>The harness itself: reproducible inputs, and a parser bug is counted, not swallowed.</summary>
public sealed class MutatorTests
{
    [Fact]
    public void Should_generate_the_same_inputs_from_the_same_seed()
    {
        List<byte[]> seeds = [[1, 2, 3, 4, 5, 6, 7, 8], [0xFF, 0x00, 0x10]];
        var first = new Mutator(new Random(5), seeds, [[0xAA, 0xBB]], 64);
        var second = new Mutator(new Random(5), seeds, [[0xAA, 0xBB]], 64);

        for (var i = 0; i < 10_000; i++)
        {
            var input = first.Next();
            Assert.True(input.Length <= 64);
            Assert.True(input.SequenceEqual(second.Next()), $"input {i} differs");
        }
    }

    [Fact]
    public void Should_count_an_out_of_range_read_as_a_crash_and_keep_its_input()
    {
        var report = FuzzRunner.Run(new ReadsTheLengthByte(), 5_000, seed: 3);

        Assert.True(report.Crashes > 0);
        Assert.Equal(0, report.Unhandled);
        var failing = Convert.FromHexString(report.FirstFailure!.InputHex);
        Assert.IsType<IndexOutOfRangeException>(Record.Exception(() => new ReadsTheLengthByte().Run(failing)));
    }

    [Fact]
    public void Should_count_an_undocumented_exception_type_as_unhandled()
    {
        var report = FuzzRunner.Run(new ThrowsOnZero(), 5_000, seed: 3);

        Assert.Equal(0, report.Crashes);
        Assert.True(report.Unhandled > 0);
    }

    // A parser with the classic bug: it trusts a length byte.
    private sealed class ReadsTheLengthByte : FuzzTarget
    {
        public override string Name => "length-byte";

        public override IReadOnlyList<byte[]> Seeds { get; } = [[2, 0xA, 0xB]];

        public override FuzzOutcome Run(ReadOnlySpan<byte> input)
        {
            if (input.Length == 0)
            {
                return FuzzOutcome.Rejected;
            }
            var payload = input.ToArray();
            return payload[payload[0]] == 0 ? FuzzOutcome.Rejected : FuzzOutcome.Accepted;
        }
    }

    private sealed class ThrowsOnZero : FuzzTarget
    {
        public override string Name => "zero";

        public override IReadOnlyList<byte[]> Seeds { get; } = [[1, 2, 3]];

        public override FuzzOutcome Run(ReadOnlySpan<byte> input) =>
            input.IndexOf((byte)0) >= 0 ? throw new FormatException("zero") : FuzzOutcome.Accepted;
    }
}
