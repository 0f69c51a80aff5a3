namespace CommunityStream.WebRtc.Tests.Support;

/// <summary>A parser under test; it must not throw, whatever the input.</summary>
internal delegate void ParseInput(ReadOnlySpan<byte> input);

/// <summary>
/// Bounded, seeded fuzzing for the parser tests: pure noise, truncations, bit flips and overwritten bytes of valid
/// seeds. Any exception fails the test with the input that caused it, so a failure reproduces from its seed.
/// </summary>
internal static class ParserFuzz
{
    public const int Iterations = 20_000;

    public static void Run(List<byte[]> seeds, int seed, ParseInput parse, int iterations = Iterations)
    {
        var random = new Random(seed);
        var scratch = new byte[1600];
        for (var i = 0; i < iterations; i++)
        {
            ReadOnlySpan<byte> input;
            var source = seeds[random.Next(seeds.Count)];
            switch (i % 4)
            {
                case 0: // pure noise, sometimes with a plausible first byte
                    var length = random.Next(0, 200);
                    random.NextBytes(scratch.AsSpan(0, length));
                    if (length > 0 && random.Next(2) == 0)
                    {
                        scratch[0] = source[0];
                    }

                    input = scratch.AsSpan(0, length);
                    break;
                case 1: // truncation
                    input = source.AsSpan(0, random.Next(0, source.Length + 1));
                    break;
                case 2: // bit flips
                    source.CopyTo(scratch, 0);
                    for (var f = random.Next(1, 4); f > 0; f--)
                    {
                        scratch[random.Next(source.Length)] ^= (byte)(1 << random.Next(8));
                    }

                    input = scratch.AsSpan(0, source.Length);
                    break;
                default: // random byte overwrites, then a random length (header fields lie about lengths)
                    source.CopyTo(scratch, 0);
                    for (var f = random.Next(1, 6); f > 0; f--)
                    {
                        scratch[random.Next(source.Length)] = (byte)random.Next(256);
                    }

                    input = scratch.AsSpan(0, random.Next(0, source.Length + 1));
                    break;
            }

            try
            {
                parse(input);
            }
            catch (Exception exception)
            {
                Assert.Fail($"Iteration {i} threw {exception.GetType().Name} for input {Convert.ToHexString(input)}: {exception.Message}");
            }
        }
    }
}
