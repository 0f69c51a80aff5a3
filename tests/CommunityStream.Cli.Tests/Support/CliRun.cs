namespace CommunityStream.Cli.Tests.Support;

/// <summary>One csctl invocation through its entry point, with captured output and a private config directory.</summary>
public sealed record CliRun(int ExitCode, string Output, string Error)
{
    public static Task<CliRun> RunAsync(string[] args, string? configDirectory = null, string input = "") =>
        RunAsync(args, configDirectory, input, url: null, token: null);

    /// <summary>With <c>CSCTL_URL</c> / <c>CSCTL_TOKEN</c> as given.</summary>
    public static async Task<CliRun> RunAsync(string[] args, string? configDirectory, string input, string? url, string? token)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var stdin = new StringReader(input);
        using var scratch = configDirectory is null ? new TempDirectory() : null;
        var environment = new CliEnvironment(output, error, stdin, url, token, configDirectory ?? scratch!.Path);
        var exit = await Csctl.RunAsync(args, environment);
        return new CliRun(exit, output.ToString(), error.ToString());
    }

    /// <summary>Runs csctl against <paramref name="node"/>'s admin listener, with <paramref name="token"/> when given.</summary>
    public static Task<CliRun> AgainstAsync(InProcessNode node, string? token, params string[] args)
    {
        string[] connection = token is null ? ["--url", node.AdminAddress.ToString()] : ["--url", node.AdminAddress.ToString(), "--token", token];
        return RunAsync([.. args, .. connection]);
    }

    public override string ToString() => $"exit {ExitCode}; stdout: {Output}; stderr: {Error}";
}
