using System.CommandLine;
using System.Text.Json;
using CommunityStream.Cli.Output;

namespace CommunityStream.Cli.Commands;

/// <summary><c>csctl cluster</c>: membership, leader, and leave / down / join (pbm's <c>cluster</c> palette).</summary>
internal static class ClusterCommands
{
    public static Command Create(CommandActions actions)
    {
        var cluster = new Command("cluster", "Cluster membership as the node sees it, and leave / down / join.");

        cluster.Subcommands.Add(actions.Set(new Command("show", "Every member: address, status, roles, age, reachability."), async (_, session, ct) =>
            session.Write(await session.Client.GetAsync("cluster", ct), WriteMembers)));

        cluster.Subcommands.Add(actions.Set(new Command("status", "This node's status, the leader and member counts."), async (_, session, ct) =>
            session.Write(await session.Client.GetAsync("cluster", ct), WriteStatus)));

        cluster.Subcommands.Add(actions.Set(new Command("leader", "The leader's address."), async (_, session, ct) =>
        {
            var view = await session.Client.GetAsync("cluster", ct);
            session.Write(view, (output, v) => output.WriteLine(v.Str("leader") is { Length: > 0 } leader ? leader : "(no leader)"));
        }));

        cluster.Subcommands.Add(MemberAction(actions, "leave", "Ask a member to leave gracefully (its shards move first); without an address, the node itself.", optional: true));
        cluster.Subcommands.Add(MemberAction(actions, "down", "Mark a member down (for a node that is gone and will not come back).", optional: false));
        cluster.Subcommands.Add(MemberAction(actions, "join", "Make the node join the cluster at this address (a seed).", optional: false));

        cluster.Subcommands.Add(actions.Set(new Command("down-unreachable", "Down every member this node sees as unreachable."), async (_, session, ct) =>
            session.Write(await session.Client.PostAsync("cluster/down-unreachable", new { }, ct), (output, result) =>
            {
                var downed = result.Prop("downed").Items().Select(Json.Text).ToList();
                output.WriteLine(downed.Count == 0 ? "No unreachable members." : $"Downed: {string.Join(", ", downed)}");
            })));
        return cluster;
    }

    private static Command MemberAction(CommandActions actions, string name, string description, bool optional)
    {
        var address = new Argument<string>("address") { Description = "A member address, akka.tcp://communitystream@HOST:PORT." };
        if (optional)
        {
            address.Arity = ArgumentArity.ZeroOrOne;
        }
        var command = new Command(name, description) { address };
        return actions.Set(command, async (parse, session, ct) =>
        {
            var target = parse.GetValue(address);
            if (string.IsNullOrWhiteSpace(target))
            {
                target = (await session.Client.GetAsync("cluster", ct)).Str("self");
            }
            var result = await session.Client.PostAsync($"cluster/{name}", new { address = target }, ct);
            session.Write(result, (output, r) => output.WriteLine($"{name}: {r.Str("address")} (accepted; watch 'csctl cluster show')"));
        });
    }

    private static void WriteMembers(TextWriter output, JsonElement view)
    {
        var leader = view.Str("leader");
        TableWriter.Write(output, ["ADDRESS", "STATUS", "ROLES", "AGE", "REACHABILITY", "NOTE"], view.Prop("members").Items().Select(member =>
        {
            var address = member.Str("address");
            var notes = new List<string>();
            if (member.Prop("self").ValueKind == JsonValueKind.True)
            {
                notes.Add("self");
            }
            if (address == leader)
            {
                notes.Add("leader");
            }
            return (IReadOnlyList<string>)[address, member.Str("status"), member.Str("roles") is { Length: > 0 } roles ? roles : "-", member.Str("ageRank"), member.Str("reachability"), string.Join(",", notes)];
        }));
    }

    private static void WriteStatus(TextWriter output, JsonElement view)
    {
        var members = view.Prop("members").Items().ToList();
        var self = members.FirstOrDefault(member => member.Prop("self").ValueKind == JsonValueKind.True);
        TableWriter.WritePairs(output,
        [
            ("Self", view.Str("self")),
            ("Status", self.Str("status")),
            ("Leader", view.Str("leader") is { Length: > 0 } leader ? leader : "(none)"),
            ("Members", string.Join(", ", members.GroupBy(member => member.Str("status")).Select(group => $"{group.Count()} {group.Key}"))),
            ("Unreachable", view.Prop("unreachable").Items().Select(Json.Text).ToList() is { Count: > 0 } unreachable ? string.Join(", ", unreachable) : "none"),
        ]);
    }
}
