using System.Diagnostics;

namespace CommunityStream.Fuzz;

/// <summary>Feeds a target <c>iterations</c> mutated inputs from a seeded <see cref="Mutator"/> and counts the outcomes.</summary>
internal static class FuzzRunner
{
    public static FuzzReport Run(FuzzTarget target, long iterations, int seed)
    {
        var mutator = new Mutator(new Random(TargetSeed(seed, target.Name)), target.Seeds, target.Dictionary, target.MaxLength);
        long accepted = 0, rejected = 0, crashes = 0, unhandled = 0;
        FuzzFailure? first = null;
        var clock = Stopwatch.StartNew();
        // The seeds themselves go first: a parser that refuses its own encoder's output is a bug too.
        foreach (var valid in target.Seeds)
        {
            if (Execute(target, valid, out _) != FuzzOutcome.Accepted)
            {
                throw new InvalidOperationException($"{target.Name}: a seed is not accepted: {Convert.ToHexString(valid)}");
            }
        }
        for (long i = 0; i < iterations; i++)
        {
            var input = mutator.Next();
            switch (Execute(target, input, out var error))
            {
                case FuzzOutcome.Accepted:
                    accepted++;
                    break;
                case FuzzOutcome.Rejected:
                    rejected++;
                    break;
                default:
                    if (IsCrash(error!))
                    {
                        crashes++;
                    }
                    else
                    {
                        unhandled++;
                    }
                    first ??= new FuzzFailure(i, Convert.ToHexString(input), $"{error!.GetType().FullName}: {error.Message}\n{error.StackTrace}");
                    break;
            }
        }
        return new FuzzReport(target.Name, seed, iterations, accepted, rejected, crashes, unhandled, first, clock.Elapsed);
    }

    /// <summary>Runs one input, returning null (with the exception) when it broke the contract.</summary>
    public static FuzzOutcome? Execute(FuzzTarget target, ReadOnlySpan<byte> input, out Exception? error)
    {
        error = null;
        try
        {
            return target.Run(input);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            error = exception;
            return null;
        }
    }

    /// <summary>Exceptions that mean the parser walked off its buffer or its own state.</summary>
    public static bool IsCrash(Exception exception) => exception is IndexOutOfRangeException or NullReferenceException
        or ArgumentException or OverflowException or InvalidCastException or DivideByZeroException
        or InsufficientExecutionStackException or InvariantViolation;

    // Each target gets its own stream from the one --seed, so running one target alone reproduces its inputs.
    private static int TargetSeed(int seed, string target)
    {
        var hash = seed;
        foreach (var c in target)
        {
            hash = unchecked((hash * 31) + c);
        }
        return hash;
    }
}
