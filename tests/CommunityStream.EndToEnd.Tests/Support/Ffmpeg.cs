using System.Diagnostics;
using System.Globalization;

namespace CommunityStream.EndToEnd.Tests.Support;

/// <summary>
/// Debian's ffmpeg as a real HLS client. Missing, it skips the test visibly, or fails it when
/// <c>CS_TEST_REQUIRE_FFMPEG=1</c> (.ci/run installs ffmpeg and sets it).
/// </summary>
internal static class Ffmpeg
{
    public const string Path = "/usr/bin/ffmpeg";

    public static void RequireOrSkip()
    {
        if (File.Exists(Path))
        {
            return;
        }
        const string reason = "/usr/bin/ffmpeg is not installed (apt-get install -y ffmpeg; .ci/run does it)";
        if (Environment.GetEnvironmentVariable("CS_TEST_REQUIRE_FFMPEG") == "1")
        {
            throw new InvalidOperationException(reason);
        }
        Skip.If(true, reason);
    }

    /// <summary>Runs ffmpeg to the end (bounded by <paramref name="timeout"/>); returns exit code, stdout and stderr.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(TimeSpan timeout, params string[] arguments)
    {
        var start = new ProcessStartInfo(Path) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"ffmpeg did not finish within {timeout}: {await stderr}");
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// One decoded frame of ffmpeg's <c>framemd5</c> output: its stream, presentation time in seconds and duration.
    /// </summary>
    public sealed record Frame(int Stream, double Pts, double Duration);

    /// <summary>Parses <c>-f framemd5</c> output: the time base of each stream from its <c>#tb</c> line, then one line per decoded frame.</summary>
    public static (IReadOnlyDictionary<int, string> MediaTypes, IReadOnlyList<Frame> Frames) ParseFrameMd5(string output)
    {
        var timeBases = new Dictionary<int, double>();
        var types = new Dictionary<int, string>();
        var frames = new List<Frame>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith("#tb ", StringComparison.Ordinal))
            {
                var (stream, value) = Header(line);
                var fraction = value.Split('/');
                timeBases[stream] = double.Parse(fraction[0], CultureInfo.InvariantCulture) / double.Parse(fraction[1], CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("#media_type ", StringComparison.Ordinal))
            {
                var (stream, value) = Header(line);
                types[stream] = value;
            }
            else if (!line.StartsWith('#'))
            {
                var fields = line.Split(',', StringSplitOptions.TrimEntries);
                var stream = int.Parse(fields[0], CultureInfo.InvariantCulture);
                var tb = timeBases[stream];
                frames.Add(new Frame(stream, long.Parse(fields[2], CultureInfo.InvariantCulture) * tb, long.Parse(fields[3], CultureInfo.InvariantCulture) * tb));
            }
        }
        return (types, frames);
    }

    private static (int Stream, string Value) Header(string line)
    {
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        var colon = line.IndexOf(':', StringComparison.Ordinal);
        return (int.Parse(line[(space + 1)..colon], CultureInfo.InvariantCulture), line[(colon + 1)..].Trim());
    }
}
