using System.CommandLine;

namespace CommunityStream.Cli;

/// <summary>Options every command takes.</summary>
internal sealed class GlobalOptions
{
    public Option<string?> Url { get; } = new("--url")
    {
        Description = "Admin URL of a node (default: CSCTL_URL, the stored login's, or http://127.0.0.1:9110).",
        Recursive = true,
    };

    public Option<string?> Token { get; } = new("--token")
    {
        Description = "Bearer token: an admin's access token or the node's Admin:ApiKey (default: CSCTL_TOKEN or the stored login).",
        Recursive = true,
    };

    public Option<string> Output { get; } = CreateOutput();

    public void AddTo(RootCommand root)
    {
        root.Options.Add(Url);
        root.Options.Add(Token);
        root.Options.Add(Output);
    }

    private static Option<string> CreateOutput()
    {
        var option = new Option<string>("--output", "-o")
        {
            Description = "table (for people) or json (for scripts).",
            DefaultValueFactory = _ => "table",
            Recursive = true,
        };
        option.AcceptOnlyFromAmong("table", "json");
        return option;
    }
}
