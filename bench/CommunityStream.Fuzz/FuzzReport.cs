namespace CommunityStream.Fuzz;

/// <summary>
/// Counts of one target's run. A crash is an exception of the kinds that mean a bug in bounds or state handling
/// (index, null, argument range, overflow, cast, a broken invariant); an unhandled exception is any other type the
/// parser does not document. Both must stay 0.
/// </summary>
internal sealed record FuzzReport(string Target, int Seed, long Inputs, long Accepted, long Rejected, long Crashes, long Unhandled, FuzzFailure? FirstFailure, TimeSpan Elapsed)
{
    public bool Clean => Crashes == 0 && Unhandled == 0;
}

/// <summary>The first failing input of a run: enough to reproduce it (<c>--target T --seed S</c>, or <c>--input HEX</c>).</summary>
internal sealed record FuzzFailure(long Iteration, string InputHex, string Exception);
