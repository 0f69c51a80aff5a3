namespace CommunityStream.Fuzz;

/// <summary>What a parser made of one input.</summary>
internal enum FuzzOutcome
{
    /// <summary>Parsed (and, where an encoder exists, round-tripped).</summary>
    Accepted,
    /// <summary>Refused through the parser's documented failure result: false, null, an error value or a documented exception.</summary>
    Rejected,
}

/// <summary>
/// One parser under fuzz: valid seeds built with the real encoders, tokens of its format, and the call that must
/// either accept an input or refuse it in the documented way. Any other exception escaping <see cref="Run"/> is a
/// failure of the parser's contract; <see cref="InvariantViolation"/> reports a wrong result (a broken round trip).
/// </summary>
internal abstract class FuzzTarget
{
    /// <summary>The name used by <c>--target</c>.</summary>
    public abstract string Name { get; }

    /// <summary>Valid inputs to mutate, built in code from the project's encoders and fixtures.</summary>
    public abstract IReadOnlyList<byte[]> Seeds { get; }

    /// <summary>Tokens of the format the mutator inserts (keywords, attribute types, magic numbers).</summary>
    public virtual IReadOnlyList<byte[]> Dictionary => [];

    /// <summary>Longest input generated (the transport's datagram size, a frame limit).</summary>
    public virtual int MaxLength => 1500;

    /// <summary>Parses one input; throws only for a contract violation.</summary>
    public abstract FuzzOutcome Run(ReadOnlySpan<byte> input);
}

/// <summary>A parser returned a wrong result: e.g. parse → write → parse did not give the same value.</summary>
internal sealed class InvariantViolation(string message) : Exception(message);
