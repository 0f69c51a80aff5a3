using System.CommandLine;
using CommunityStream.Cli.Commands;

namespace CommunityStream.Cli;

/// <summary>
/// csctl, the admin CLI: pbm-style palettes (<c>cluster</c>, <c>sharding</c>, <c>rooms</c>, <c>streams</c>,
/// <c>users</c>, <c>node</c>, <c>log</c>) against a node's admin API. Exit codes: 0 ok, 1 failed, 2 usage.
/// </summary>
public static class Csctl
{
    /// <summary>Parses <paramref name="args"/> and runs the command; tests call it with their own environment.</summary>
    public static async Task<int> RunAsync(string[] args, CliEnvironment environment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        var root = Build(environment);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await environment.Error.WriteLineAsync($"csctl: {error.Message}");
            }
            await environment.Error.WriteLineAsync("Run 'csctl --help' (or 'csctl COMMAND --help') for usage.");
            return CommandActions.Usage;
        }
        return await parse.InvokeAsync(new InvocationConfiguration { Output = environment.Output, Error = environment.Error }, cancellationToken);
    }

    private static RootCommand Build(CliEnvironment environment)
    {
        var options = new GlobalOptions();
        var actions = new CommandActions(options, environment);
        var root = new RootCommand("csctl: administer a CommunityStream cluster through a node's admin API (Admin:Url).");
        options.AddTo(root);
        root.Subcommands.Add(LoginCommands.Login(actions));
        root.Subcommands.Add(LoginCommands.Logout(actions));
        root.Subcommands.Add(ClusterCommands.Create(actions));
        root.Subcommands.Add(ShardingCommands.Create(actions));
        root.Subcommands.Add(RoomsCommands.Create(actions));
        root.Subcommands.Add(StreamsCommands.Create(actions));
        root.Subcommands.Add(UsersCommands.Create(actions));
        root.Subcommands.Add(NodeCommands.Create(actions));
        root.Subcommands.Add(LogCommands.Create(actions));
        return root;
    }
}
