using BenchmarkDotNet.Running;

namespace CommunityStream.Media.Benchmarks;

/// <summary>
/// Entry point: <c>dotnet run -c Release --project bench/CommunityStream.Media.Benchmarks -- --filter '*' --job short</c>.
/// </summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
