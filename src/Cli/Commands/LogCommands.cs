using System.CommandLine;
using CommunityStream.Cli.Output;

namespace CommunityStream.Cli.Commands;

/// <summary><c>csctl log</c>: log levels changed on a running node (until it restarts).</summary>
internal static class LogCommands
{
    private static readonly string[] Levels = ["Trace", "Debug", "Information", "Warning", "Error", "Critical", "None", "reset"];

    public static Command Create(CommandActions actions)
    {
        var log = new Command("log", "Log levels of the running node.");

        var category = new Argument<string>("category") { Description = "A logger category (e.g. CommunityStream.Chat) or Default." };
        var level = new Argument<string>("level") { Description = "Trace, Debug, Information, Warning, Error, Critical, None, or reset (drop the override)." };
        level.AcceptOnlyFromAmong(Levels);
        log.Subcommands.Add(actions.Set(new Command("level", "Set a category's minimum level at run time.") { category, level }, async (parse, session, ct) =>
        {
            var name = parse.GetValue(category)!;
            var value = parse.GetValue(level)!;
            var path = $"log/levels/{AdminClient.Segment(name)}";
            if (value == "reset")
            {
                await session.Client.DeleteAsync(path, ct);
                session.Write(default, (output, _) => output.WriteLine($"{name}: override removed"));
                return;
            }
            session.Write(await session.Client.PutAsync(path, new { level = value }, ct), (output, result) =>
                output.WriteLine($"{result.Str("category")}: {result.Str("level")}"));
        }));

        log.Subcommands.Add(actions.Set(new Command("levels", "The levels overridden at run time."), async (_, session, ct) =>
            session.Write(await session.Client.GetAsync("log/levels", ct), (output, result) =>
                TableWriter.Write(output, ["CATEGORY", "LEVEL"], result.Prop("overrides").EnumerateObject().Select(entry =>
                    (IReadOnlyList<string>)[entry.Name, Json.Text(entry.Value)])))));
        return log;
    }
}
