using CommunityStream.Host.Startup;
using CommunityStream.Host.Tests.Support;

namespace CommunityStream.Host.Tests;

/// <summary>
/// A data directory the node cannot write stops the start with one line naming the setting and the path. Tests run
/// as root, whom permission bits do not stop, so the paths fail for everyone: beneath a regular file (ENOTDIR) and
/// in /proc (no new files).
/// </summary>
[Collection(SerialHostTests.Name)]
public sealed class DataDirectoryStartupTests
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(30);

    public static TheoryData<string> UnwritablePaths => new()
    {
        "{file}/data",   // beneath a regular file: cannot be created
        "/proc/cs-data", // cannot be created
        "/proc",         // exists, but no file can be created in it
    };

    [Theory]
    [MemberData(nameof(UnwritablePaths))]
    public async Task Should_refuse_an_unwritable_data_directory_naming_the_setting_and_the_path(string template)
    {
        using var work = new TempDirectory();
        var file = Path.Combine(work.Path, "a-file");
        await File.WriteAllTextAsync(file, "not a directory");
        var path = template.Replace("{file}", file, StringComparison.Ordinal);

        // The later --DataDirectory wins over HostProcess's default one.
        await using var host = HostProcess.Start(work.Path, "--DataDirectory", path);
        var exitCode = await host.WaitForExitAsync(ExitTimeout);

        Assert.Equal(StartupFailure.ExitCode, exitCode);
        var line = Assert.Single(host.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("CommunityStream could not start:", line, StringComparison.Ordinal);
        Assert.Contains("'DataDirectory'", line, StringComparison.Ordinal);
        Assert.Contains($"'{path}'", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_keep_the_path_an_access_failure_names_when_its_inner_exception_does_not()
    {
        // What File.Open throws on EACCES: the outer exception names the path, the inner one only the errno.
        var failure = new UnauthorizedAccessException("Access to the path '/srv/cs/identity-signing.key' is denied.", new IOException("Permission denied"));

        var line = StartupFailure.Describe(new InvalidOperationException("Hosting failed to start", failure));

        Assert.Equal("UnauthorizedAccessException: Access to the path '/srv/cs/identity-signing.key' is denied.", line);
    }
}
