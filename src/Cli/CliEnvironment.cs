namespace CommunityStream.Cli;

/// <summary>What csctl takes from outside its arguments: streams, environment variables and the config directory.</summary>
/// <param name="Output">Where results go (tables or JSON).</param>
/// <param name="Error">Where errors and usage problems go.</param>
/// <param name="Input">Where <c>login --password-stdin</c> reads the password.</param>
/// <param name="Url"><c>CSCTL_URL</c>, if set.</param>
/// <param name="Token"><c>CSCTL_TOKEN</c>, if set.</param>
/// <param name="ConfigDirectory">Where <c>login</c> stores the token: <c>$XDG_CONFIG_HOME/csctl</c> or <c>~/.config/csctl</c>.</param>
public sealed record CliEnvironment(TextWriter Output, TextWriter Error, TextReader Input, string? Url, string? Token, string ConfigDirectory)
{
    /// <summary>The default admin listener of a node on this machine.</summary>
    public const string DefaultUrl = "http://127.0.0.1:9110";

    /// <summary>The real console and environment.</summary>
    public static CliEnvironment FromProcess()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
        var root = string.IsNullOrEmpty(xdg)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config")
            : xdg;
        return new CliEnvironment(
            Console.Out,
            Console.Error,
            Console.In,
            NonEmpty(Environment.GetEnvironmentVariable("CSCTL_URL")),
            NonEmpty(Environment.GetEnvironmentVariable("CSCTL_TOKEN")),
            Path.Combine(root, "csctl"));
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
