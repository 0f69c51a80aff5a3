using System.CommandLine;
using CommunityStream.Cli.Output;

namespace CommunityStream.Cli.Commands;

/// <summary><c>csctl sharding</c>: shard types, regions and entities per shard per node (pbm's <c>cluster-sharding</c>).</summary>
internal static class ShardingCommands
{
    public static Command Create(CommandActions actions)
    {
        var sharding = new Command("sharding", "Shard regions and the entities they hold (types: room, stream).");

        sharding.Subcommands.Add(actions.Set(new Command("regions", "Every shard type with its regions and this node's shards."), async (_, session, ct) =>
            session.Write(await session.Client.GetAsync("sharding/regions", ct), (output, result) =>
                TableWriter.Write(output, ["TYPE", "REGIONS", "LOCAL SHARDS", "LOCAL ENTITIES"], result.Prop("types").Items().Select(type =>
                    (IReadOnlyList<string>)[type.Str("type"), type.Str("regions"), type.Str("localShards"), type.Str("localEntities")])))));

        var statsType = TypeArgument();
        sharding.Subcommands.Add(actions.Set(new Command("region-stats", "Shards and entities per node for a type.") { statsType }, async (parse, session, ct) =>
            session.Write(await session.Client.GetAsync($"sharding/{AdminClient.Segment(parse.GetValue(statsType)!)}/region-stats", ct), (output, result) =>
                TableWriter.Write(output, ["REGION", "SHARDS", "ENTITIES", "FAILED SHARDS"], result.Prop("regions").Items().Select(region =>
                    (IReadOnlyList<string>)[region.Str("address"), region.Str("shards"), region.Str("entities"), region.Str("failedShards") is { Length: > 0 } failed ? failed : "-"])))));

        var shardsType = TypeArgument();
        sharding.Subcommands.Add(actions.Set(new Command("shards", "Entities per shard per node for a type.") { shardsType }, async (parse, session, ct) =>
            session.Write(await session.Client.GetAsync($"sharding/{AdminClient.Segment(parse.GetValue(shardsType)!)}/shards", ct), (output, result) =>
                TableWriter.Write(output, ["REGION", "SHARD", "ENTITIES"], result.Prop("shards").Items().Select(shard =>
                    (IReadOnlyList<string>)[shard.Str("address"), shard.Str("shard"), shard.Str("entities")])))));
        return sharding;
    }

    private static Argument<string> TypeArgument() => new("type") { Description = "The shard type: room or stream." };
}
