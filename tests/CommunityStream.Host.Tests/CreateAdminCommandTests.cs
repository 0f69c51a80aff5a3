using CommunityStream.Host.Startup;

namespace CommunityStream.Host.Tests;

/// <summary>The <c>--create-admin</c> switch's arguments: usage errors come before any database is opened.</summary>
public sealed class CreateAdminCommandTests
{
    [Theory]
    [InlineData("--create-admin", "--DataDirectory", "/nonexistent/x")]
    [InlineData("--create-admin", "alice", "--DataDirectory", "/nonexistent/x")]
    [InlineData("--create-admin")]
    public async Task Should_answer_with_the_usage_line_when_a_name_or_email_is_missing(params string[] args)
    {
        Assert.True(CreateAdminCommand.TryParse(args, out var command));
        var error = new StringWriter();

        var exitCode = await command!.RunAsync(new StringReader("Some-Password-2026!"), TextWriter.Null, error);

        Assert.Equal(StartupFailure.ExitCode, exitCode);
        Assert.StartsWith("usage: CommunityStream.Host --create-admin USERNAME EMAIL", error.ToString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists("/nonexistent/x"));
    }

    [SkippableFact]
    public async Task Should_say_that_no_password_was_read_when_stdin_is_empty()
    {
        Skip.If(!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CS_ADMIN_PASSWORD")), "CS_ADMIN_PASSWORD is set in this environment");
        using var data = new TempDirectory();
        Assert.True(CreateAdminCommand.TryParse(["--create-admin", "alice", "alice@example.test", "--DataDirectory", data.Path], out var command));
        var error = new StringWriter();

        var exitCode = await command!.RunAsync(new StringReader(""), TextWriter.Null, error);

        Assert.Equal(StartupFailure.ExitCode, exitCode);
        Assert.Contains("no password was read from stdin", error.ToString(), StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(data.Path));
    }

    [Fact]
    public void Should_leave_the_other_arguments_as_configuration()
    {
        Assert.True(CreateAdminCommand.TryParse(["--DataDirectory", "/d", "--create-admin", "alice", "alice@example.test", "--Persistence:Provider", "Sqlite"], out var command));
        Assert.True(CreateAdminCommand.TryParse(["--create-admin", "alice", "--DataDirectory", "/d"], out var missingEmail));

        Assert.Equal(("alice", "alice@example.test"), (command!.Parsed.Username, command.Parsed.Email));
        Assert.Equal(["--DataDirectory", "/d", "--Persistence:Provider", "Sqlite"], command.Parsed.ConfigurationArgs);
        Assert.Equal(("alice", ""), (missingEmail!.Parsed.Username, missingEmail.Parsed.Email));
        Assert.Equal(["--DataDirectory", "/d"], missingEmail.Parsed.ConfigurationArgs);
        Assert.False(CreateAdminCommand.TryParse(["--DataDirectory", "/d"], out _));
    }
}
