using System.CommandLine;
using CommunityStream.Cli.Output;

namespace CommunityStream.Cli.Commands;

/// <summary><c>csctl node</c>: the process behind the admin URL.</summary>
internal static class NodeCommands
{
    public static Command Create(CommandActions actions)
    {
        var node = new Command("node", "The node behind --url: process facts, readiness, configuration.");

        node.Subcommands.Add(actions.Set(new Command("info", "Version, address, uptime, memory, GC and threads."), async (_, session, ct) =>
            session.Write(await session.Client.GetAsync("node", ct), (output, info) =>
            {
                var memory = info.Prop("memory");
                var gc = info.Prop("gc");
                var threads = info.Prop("threads");
                TableWriter.WritePairs(output,
                [
                    ("Version", info.Str("version")),
                    ("Runtime", info.Str("runtime")),
                    ("Address", info.Str("address")),
                    ("Status", info.Str("status")),
                    ("Roles", info.Str("roles") is { Length: > 0 } roles ? roles : "-"),
                    ("Uptime", TimeSpan.FromSeconds(double.TryParse(info.Str("uptimeSeconds"), out var up) ? up : 0).ToString()),
                    ("PID", info.Str("pid")),
                    ("Working set", memory.Bytes("workingSetBytes")),
                    ("GC heap", memory.Bytes("gcHeapBytes")),
                    ("GC counts", $"gen0 {gc.Str("gen0")}, gen1 {gc.Str("gen1")}, gen2 {gc.Str("gen2")}"),
                    ("GC pause", $"{gc.Str("pauseTimePercentage")} %"),
                    ("Threads", $"{threads.Str("process")} (thread pool {threads.Str("threadPool")}, queued {threads.Str("threadPoolQueue")})"),
                ]);
            })));

        node.Subcommands.Add(actions.Set(new Command("health", "Every readiness and liveness check with its status."), async (_, session, ct) =>
            session.Write(await session.Client.GetAsync("node/health", ct), (output, health) =>
            {
                output.WriteLine($"Overall: {health.Str("status")}");
                TableWriter.Write(output, ["CHECK", "STATUS", "DESCRIPTION"], health.Prop("checks").Items().Select(check =>
                    (IReadOnlyList<string>)[check.Str("name"), check.Str("status"), check.Str("description")]));
            })));

        var filter = new Option<string?>("--filter") { Description = "Only keys starting with this prefix (e.g. Cluster)." };
        node.Subcommands.Add(actions.Set(new Command("config", "The effective configuration, secrets masked.") { filter }, async (parse, session, ct) =>
        {
            var prefix = parse.GetValue(filter);
            session.Write(await session.Client.GetAsync("node/config", ct), (output, config) =>
                TableWriter.WritePairs(output, config.Prop("settings").EnumerateObject()
                    .Where(setting => prefix is null || setting.Name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                    .Select(setting => (setting.Name, Json.Text(setting.Value)))));
        }));
        return node;
    }
}
