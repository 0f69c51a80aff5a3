using System.Diagnostics;

namespace CommunityStream.Media.Tests.Hls.Packaging.Support;

/// <summary>
/// Debian's ffmpeg/ffprobe for generating real H.264/Opus and checking our output. Missing tools skip the test
/// visibly, or fail it when CS_TEST_REQUIRE_FFMPEG=1 (.ci/run sets it and installs ffmpeg).
/// </summary>
internal static class FfmpegTools
{
    public const string Ffmpeg = "/usr/bin/ffmpeg";
    public const string Ffprobe = "/usr/bin/ffprobe";

    public static void RequireOrSkip()
    {
        if (File.Exists(Ffmpeg) && File.Exists(Ffprobe))
        {
            return;
        }
        var reason = $"{Ffmpeg} / {Ffprobe} are not installed (apt-get install -y ffmpeg; .ci/run does it)";
        if (Environment.GetEnvironmentVariable("CS_TEST_REQUIRE_FFMPEG") == "1")
        {
            throw new InvalidOperationException(reason);
        }
        Skip.If(true, reason);
    }

    public static async Task<(string Stdout, string Stderr)> Run(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"{tool} {string.Join(' ', arguments)} exited {process.ExitCode}: {await stderr}");
        return (await stdout, await stderr);
    }
}
