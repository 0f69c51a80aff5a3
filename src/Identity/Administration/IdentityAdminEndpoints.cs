using CommunityStream.BuildingBlocks;
using CommunityStream.BuildingBlocks.Integration;
using CommunityStream.Identity.Accounts;
using CommunityStream.Identity.Contracts;
using CommunityStream.Identity.Http;
using CommunityStream.Identity.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace CommunityStream.Identity.Administration;

/// <summary>
/// <c>users…</c> of the admin API (docs/identity.md, "Administration"), mapped by the Host inside its authenticated
/// <c>/admin/v1</c> group. <c>{user}</c> is an account id or a username. The same operations as the admin routes of
/// <c>/api/users</c>, through <see cref="AccountAdministration"/>, plus listing and revoking sessions; every change is
/// logged with the caller's name.
/// </summary>
internal static class IdentityAdminEndpoints
{
    public const int MaxLimit = 500;

    public static void Map(IEndpointRouteBuilder admin)
    {
        var users = admin.MapGroup("users").WithTags("Admin: users");
        users.MapGet("", ListAsync)
            .WithName("AdminListUsers")
            .WithSummary("Accounts by username; query matches a username or email prefix (case-insensitive), role one role.")
            .Produces<AdminUserPage>()
            .ProducesValidationProblem();
        users.MapGet("{user}", GetAsync)
            .WithName("AdminGetUser")
            .WithSummary("An account with its roles, state, last login, live stream and chat sockets on this node.")
            .Produces<AdminUserResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        users.MapPut("{user}/roles", SetRolesAsync)
            .WithName("AdminSetUserRoles")
            .WithSummary("Replace an account's roles (viewer is always kept).")
            .Accepts<SetRolesRequest>("application/json")
            .Produces<AdminUserResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        users.MapPost("{user}/disable", (string user, HttpContext context, AccountAdministration administration, ILogger<AccountAdministration> log, CancellationToken ct) =>
                ChangeAsync(user, "disable", context, administration, log, (id, c) => administration.SetDisabledAsync(id, true, c), ct))
            .WithName("AdminDisableUser")
            .WithSummary("Disable an account: no login or refresh, access tokens refused, chat sockets closed and a live stream ended within 2 s.")
            .Produces<AdminUserResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        users.MapPost("{user}/enable", (string user, HttpContext context, AccountAdministration administration, ILogger<AccountAdministration> log, CancellationToken ct) =>
                ChangeAsync(user, "enable", context, administration, log, (id, c) => administration.SetDisabledAsync(id, false, c), ct))
            .WithName("AdminEnableUser")
            .WithSummary("Re-enable a disabled account.")
            .Produces<AdminUserResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        users.MapPost("{user}/sessions/revoke", (string user, HttpContext context, AccountAdministration administration, ILogger<AccountAdministration> log, CancellationToken ct) =>
                ChangeAsync(user, "revoke sessions of", context, administration, log, administration.RevokeSessionsAsync, ct))
            .WithName("AdminRevokeUserSessions")
            .WithSummary("Revoke every refresh token, refuse access tokens issued until now, close the account's chat sockets.")
            .Produces<AdminUserResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> ListAsync(string? role, string? query, int? limit, int? offset, AccountAdministration administration, CancellationToken cancel)
    {
        if (role is not null && !Roles.IsKnown(role))
        {
            return Problems.Validation("role", $"role is one of: {string.Join(", ", Roles.All)}.");
        }
        if (limit is < 1 or > MaxLimit)
        {
            return Problems.Validation("limit", $"limit is 1 to {MaxLimit}.");
        }
        if (offset is < 0)
        {
            return Problems.Validation("offset", "offset is 0 or more.");
        }
        if (query is { Length: > 254 })
        {
            return Problems.Validation("query", "query is at most 254 characters.");
        }
        var (page, total) = await administration.ListAsync(role, query?.Trim(), limit ?? 50, offset ?? 0, cancel);
        return Results.Ok(new AdminUserPage(total, limit ?? 50, offset ?? 0, [.. page.Select(u => AdminUserResponse.From(u, null))]));
    }

    private static async Task<IResult> GetAsync(string user, AccountAdministration administration, IEnumerable<IUserActivitySource> activity, CancellationToken cancel)
    {
        if (await administration.FindAsync(user, cancel) is not { } found)
        {
            return NotFound(user);
        }
        var facts = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var source in activity)
        {
            facts[source.Name] = await source.DescribeAsync(found.Id, found.Username, cancel);
        }
        return Results.Ok(AdminUserResponse.From(found, facts));
    }

    private static async Task<IResult> SetRolesAsync(string user, HttpContext context, AccountAdministration administration, ILogger<AccountAdministration> log, CancellationToken cancel)
    {
        var (request, error) = await JsonBody.ReadAsync<SetRolesRequest>(context.Request, cancel);
        if (request is null)
        {
            return error!;
        }
        if (request.Roles is null || request.Roles.Any(r => r is null || !Roles.IsKnown(r)))
        {
            return Problems.Validation("roles", $"Roles must be a list of: {string.Join(", ", Roles.All)}.");
        }
        return await ChangeAsync(user, "set roles " + string.Join(',', request.Roles) + " of", context, administration, log,
            (id, c) => administration.SetRolesAsync(id, request.Roles, c), cancel);
    }

    private static async Task<IResult> ChangeAsync(
        string user, string action, HttpContext context, AccountAdministration administration, ILogger log,
        Func<Guid, CancellationToken, Task<UserRecord?>> change, CancellationToken cancel)
    {
        if (await administration.FindAsync(user, cancel) is not { } found)
        {
            return NotFound(user);
        }
        log.AdminAction(context.User.Identity?.Name ?? "unknown", action, $"{found.Username} ({found.Id})");
        return await change(found.Id, cancel) is { } changed ? Results.Ok(AdminUserResponse.From(changed, null)) : NotFound(user);
    }

    private static IResult NotFound(string user) => Problems.Status(StatusCodes.Status404NotFound, "No such user.", $"No account has the id or username '{user}'.");
}

/// <summary>A page of <c>GET /admin/v1/users</c>: <see cref="Total"/> accounts match.</summary>
internal sealed record AdminUserPage(long Total, int Limit, int Offset, IReadOnlyList<AdminUserResponse> Users);

/// <summary>An account as administrators see it; <see cref="Activity"/> only on <c>GET users/{user}</c>.</summary>
internal sealed record AdminUserResponse(
    Guid Id,
    string Username,
    string Email,
    IReadOnlyList<string> Roles,
    bool Disabled,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastLoginAt,
    DateTimeOffset? SessionsRevokedAt,
    IReadOnlyDictionary<string, object?>? Activity)
{
    public static AdminUserResponse From(UserRecord user, IReadOnlyDictionary<string, object?>? activity) =>
        new(user.Id, user.Username, user.Email, user.Roles, user.Disabled, user.CreatedAt, user.LastLoginAt, user.SessionsRevokedAt, activity);
}
