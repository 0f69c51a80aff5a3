using Akka.Actor;
using Akka.Cluster.Sharding;
using CommunityStream.BuildingBlocks;

namespace CommunityStream.Host.Admin;

/// <summary>
/// <c>/admin/v1/sharding</c>: the shard types this node runs (<c>room</c> from Chat, <c>stream</c> from Media), where
/// their regions are, and how many entities each shard holds on each node (pbm's <c>cluster-sharding</c> palette).
/// </summary>
internal static class ShardingAdminEndpoints
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    public static void Map(IEndpointRouteBuilder admin)
    {
        var sharding = admin.MapGroup("/sharding");
        sharding.MapGet("/regions", (ActorSystem system, CancellationToken ct) => AnsweredAsync(() => RegionsAsync(system, ct)));
        sharding.MapGet("/{type}/region-stats", (string type, ActorSystem system, CancellationToken ct) => AnsweredAsync(() => RegionStatsAsync(type, system, ct)));
        sharding.MapGet("/{type}/shards", (string type, ActorSystem system, CancellationToken ct) => AnsweredAsync(() => ShardsAsync(type, system, ct)));
    }

    // A region or coordinator that does not answer (a node joining, leaving or overloaded) is a 503, not a 500.
    private static async Task<IResult> AnsweredAsync(Func<Task<IResult>> query)
    {
        try
        {
            return await query();
        }
        catch (AskTimeoutException)
        {
            return Problems.Status(StatusCodes.Status503ServiceUnavailable, "Sharding did not answer in time.", "A shard region or its coordinator is busy or moving; try again.");
        }
    }

    private static async Task<IResult> RegionsAsync(ActorSystem system, CancellationToken cancellationToken)
    {
        var sharding = ClusterSharding.Get(system);
        var types = new List<object>();
        foreach (var type in sharding.ShardTypeNames.Order(StringComparer.Ordinal))
        {
            var region = sharding.ShardRegion(type);
            var regions = await region.Ask<CurrentRegions>(GetCurrentRegions.Instance, AskTimeout, cancellationToken);
            var local = await region.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, AskTimeout, cancellationToken);
            types.Add(new
            {
                type,
                regions = regions.Regions.Select(address => address.ToString()).Order(StringComparer.Ordinal),
                localShards = local.Shards.Count,
                localEntities = local.Shards.Sum(shard => shard.EntityIds.Count),
            });
        }
        return Results.Ok(new { types });
    }

    private static async Task<IResult> RegionStatsAsync(string type, ActorSystem system, CancellationToken cancellationToken)
    {
        if (await StatsAsync(type, system, cancellationToken) is not { } stats)
        {
            return UnknownType(type, system);
        }
        return Results.Ok(new
        {
            type,
            regions = stats.Regions.OrderBy(entry => entry.Key.ToString(), StringComparer.Ordinal).Select(entry => new
            {
                address = entry.Key.ToString(),
                shards = entry.Value.Stats.Count,
                entities = entry.Value.Stats.Values.Sum(),
                failedShards = entry.Value.Failed.Order(StringComparer.Ordinal),
            }),
        });
    }

    private static async Task<IResult> ShardsAsync(string type, ActorSystem system, CancellationToken cancellationToken)
    {
        if (await StatsAsync(type, system, cancellationToken) is not { } stats)
        {
            return UnknownType(type, system);
        }
        var shards = stats.Regions
            .SelectMany(region => region.Value.Stats.Select(shard => new { address = region.Key.ToString(), shard = shard.Key, entities = shard.Value }))
            .OrderBy(shard => shard.address, StringComparer.Ordinal)
            .ThenBy(shard => int.TryParse(shard.shard, out var number) ? number : int.MaxValue)
            .ThenBy(shard => shard.shard, StringComparer.Ordinal);
        return Results.Ok(new { type, shards });
    }

    // The whole cluster's view, gathered by the coordinator from every region; null for a type this node does not run.
    private static async Task<ClusterShardingStats?> StatsAsync(string type, ActorSystem system, CancellationToken cancellationToken)
    {
        var sharding = ClusterSharding.Get(system);
        if (!sharding.ShardTypeNames.Contains(type))
        {
            return null;
        }
        return await sharding.ShardRegion(type).Ask<ClusterShardingStats>(new GetClusterShardingStats(AskTimeout), AskTimeout + TimeSpan.FromSeconds(1), cancellationToken);
    }

    private static IResult UnknownType(string type, ActorSystem system) => Problems.Status(
        StatusCodes.Status404NotFound,
        "No such shard type.",
        $"'{type}' is not sharded on this node; known types: {string.Join(", ", ClusterSharding.Get(system).ShardTypeNames.Order(StringComparer.Ordinal))}.");
}
