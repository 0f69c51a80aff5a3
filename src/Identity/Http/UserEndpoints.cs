using System.Security.Claims;
using CommunityStream.BuildingBlocks;
using CommunityStream.Identity.Accounts;
using CommunityStream.Identity.Contracts;
using CommunityStream.Identity.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CommunityStream.Identity.Http;

/// <summary><c>/api/users/*</c>: account administration.</summary>
internal static class UserEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        var users = api.MapGroup("/users").WithTags("Users").RequireAuthorization();

        users.MapGet("/{id:guid}", GetAsync)
            .WithName("GetUser")
            .WithSummary("An account; admins may read any, other users only their own.")
            .Produces<UserResponse>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        var admin = users.MapGroup("/").RequireAuthorization(IdentityPolicies.Admin);

        admin.MapPut("/{id:guid}/roles", SetRolesAsync)
            .WithName("SetUserRoles")
            .WithSummary("Replace an account's roles (viewer is always kept).")
            .Accepts<SetRolesRequest>("application/json")
            .Produces<UserResponse>()
            .ProducesValidationProblem()
            .ProducesJsonBodyProblems()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        admin.MapPost("/{id:guid}/disable", (Guid id, AccountAdministration administration, CancellationToken ct) => SetDisabledAsync(id, true, administration, ct))
            .WithName("DisableUser")
            .WithSummary("Disable an account: no login, no refresh, existing access tokens stop working.")
            .Produces<UserResponse>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        admin.MapPost("/{id:guid}/enable", (Guid id, AccountAdministration administration, CancellationToken ct) => SetDisabledAsync(id, false, administration, ct))
            .WithName("EnableUser")
            .WithSummary("Re-enable a disabled account.")
            .Produces<UserResponse>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> GetAsync(Guid id, ClaimsPrincipal principal, UserStore users, CancellationToken cancellationToken)
    {
        if (MeEndpoints.UserId(principal) != id && !principal.IsInRole(Roles.Admin))
        {
            return Problems.Status(StatusCodes.Status403Forbidden, "Only administrators may read other accounts.");
        }
        var user = await users.FindByIdAsync(id, cancellationToken);
        return user is null ? NotFound() : Results.Ok(UserResponse.From(user));
    }

    private static async Task<IResult> SetRolesAsync(Guid id, HttpContext context, AccountAdministration administration, CancellationToken cancellationToken)
    {
        var (request, error) = await JsonBody.ReadAsync<SetRolesRequest>(context.Request, cancellationToken);
        if (request is null)
        {
            return error!;
        }
        if (request.Roles is null || request.Roles.Any(r => r is null || !Roles.IsKnown(r)))
        {
            return Problems.Validation("roles", $"Roles must be a list of: {string.Join(", ", Roles.All)}.");
        }
        var user = await administration.SetRolesAsync(id, request.Roles, cancellationToken);
        return user is null ? NotFound() : Results.Ok(UserResponse.From(user));
    }

    private static async Task<IResult> SetDisabledAsync(Guid id, bool disabled, AccountAdministration administration, CancellationToken cancellationToken)
    {
        var user = await administration.SetDisabledAsync(id, disabled, cancellationToken);
        return user is null ? NotFound() : Results.Ok(UserResponse.From(user));
    }

    private static IResult NotFound() => Problems.Status(StatusCodes.Status404NotFound, "No such user.");
}
