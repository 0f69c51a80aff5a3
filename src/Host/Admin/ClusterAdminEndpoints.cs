using Akka.Actor;
using Akka.Cluster;
using CommunityStream.BuildingBlocks;

namespace CommunityStream.Host.Admin;

/// <summary><c>/admin/v1/cluster</c>: membership as this node sees it, and the operator's leave / down / join.</summary>
internal static class ClusterAdminEndpoints
{
    public static void Map(IEndpointRouteBuilder admin)
    {
        var cluster = admin.MapGroup("/cluster");
        cluster.MapGet("", (ActorSystem system) => Results.Ok(ClusterView.Of(Cluster.Get(system))));
        cluster.MapPost("/leave", (HttpContext context, ActorSystem system, CancellationToken ct) =>
            OnMemberAsync(context, system, (c, member) => c.Leave(member.Address), ct));
        cluster.MapPost("/down", (HttpContext context, ActorSystem system, CancellationToken ct) =>
            OnMemberAsync(context, system, (c, member) => c.Down(member.Address), ct));
        cluster.MapPost("/down-unreachable", (HttpContext context, ActorSystem system) =>
        {
            var node = Cluster.Get(system);
            var downed = node.State.Unreachable.Select(member => member.Address).ToList();
            downed.ForEach(node.Down);
            AdminAudit.SetTarget(context, downed.Count == 0 ? "none" : string.Join(',', downed));
            return Results.Ok(new { downed = downed.Select(address => address.ToString()) });
        });
        cluster.MapPost("/join", JoinAsync);
    }

    private static async Task<IResult> OnMemberAsync(HttpContext context, ActorSystem system, Action<Cluster, Member> act, CancellationToken cancellationToken)
    {
        var (address, problem) = await ReadAddressAsync(context, cancellationToken);
        if (address is null)
        {
            return problem!;
        }
        var node = Cluster.Get(system);
        var member = node.State.Members.Concat(node.State.Unreachable).FirstOrDefault(m => m.Address == address);
        if (member is null)
        {
            return Problems.Status(StatusCodes.Status404NotFound, "No such cluster member.", $"{address} is not a member as this node sees it.");
        }
        act(node, member);
        return Results.Accepted(value: new { address = address.ToString() });
    }

    private static async Task<IResult> JoinAsync(HttpContext context, ActorSystem system, CancellationToken cancellationToken)
    {
        var (address, problem) = await ReadAddressAsync(context, cancellationToken);
        if (address is null)
        {
            return problem!;
        }
        Cluster.Get(system).Join(address);
        return Results.Accepted(value: new { address = address.ToString() });
    }

    private static async Task<(Address? Address, IResult? Problem)> ReadAddressAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var (request, tooLarge) = await AdminRequestBody.ReadAsync<AddressRequest>(context.Request, cancellationToken);
        if (tooLarge is not null)
        {
            return (null, tooLarge);
        }
        var text = request?.Address?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return (null, Problems.Validation("address", "The body must be {\"address\": \"akka.tcp://communitystream@host:port\"}."));
        }
        AdminAudit.SetTarget(context, text);
        if (!ActorPath.TryParseAddress(text, out var address) || address.Host is null || address.Port is null)
        {
            return (null, Problems.Validation("address", $"'{text}' is not a node address such as akka.tcp://communitystream@127.0.0.1:4053."));
        }
        return (address, null);
    }

    private sealed record AddressRequest(string? Address);
}
