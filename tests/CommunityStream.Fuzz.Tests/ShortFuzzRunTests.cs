namespace CommunityStream.Fuzz.Tests;

/// <summary>
/// A short seeded run of every target of bench/CommunityStream.Fuzz (the full run is 1,000,000+ inputs, see
/// bench/README.md): no parser may throw anything but its documented failure, and every round trip holds. A failure
/// prints the input in hex; <c>--target T --input HEX</c> reproduces it.
/// </summary>
public sealed class ShortFuzzRunTests
{
    private const int Iterations = 20_000;

    public static TheoryData<string> Targets => [.. FuzzTargets.Names];

    [Theory]
    [MemberData(nameof(Targets))]
    public void Should_neither_crash_nor_throw_undocumented_exceptions(string target)
    {
        var report = FuzzRunner.Run(FuzzTargets.Create(target), Iterations, seed: 17);

        Assert.True(report.Clean, $"{report.Crashes} crashes, {report.Unhandled} unhandled; first: --target {target} --input {report.FirstFailure?.InputHex}\n{report.FirstFailure?.Exception}");
        Assert.Equal(Iterations, report.Accepted + report.Rejected);
        // Mutations must reach past the first checks: a run that rejects everything tests nothing.
        Assert.True(report.Accepted > Iterations / 200, $"only {report.Accepted} of {Iterations} accepted");
    }
}
