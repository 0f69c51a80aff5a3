using System.Security.Claims;
using CommunityStream.BuildingBlocks;
using CommunityStream.Identity.Accounts;
using CommunityStream.Identity.Contracts;
using CommunityStream.Identity.Persistence;
using CommunityStream.Identity.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CommunityStream.Identity.Http;

/// <summary><c>/api/me</c>: the signed-in user and their stream key.</summary>
internal static class MeEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        var me = api.MapGroup("/me").WithTags("Me").RequireAuthorization();

        me.MapGet("/", GetAsync)
            .WithName("GetCurrentUser")
            .WithSummary("The signed-in user.")
            .Produces<UserResponse>()
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        me.MapPost("/stream-key", RotateStreamKeyAsync)
            .RequireAuthorization(IdentityPolicies.Streamer)
            .WithName("RotateStreamKey")
            .WithSummary("Create or replace the caller's stream key; the key is shown only in this response.")
            .Produces<StreamKeyResponse>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
    }

    private static async Task<IResult> GetAsync(ClaimsPrincipal principal, UserStore users, CancellationToken cancellationToken)
    {
        var user = UserId(principal) is { } id ? await users.FindByIdAsync(id, cancellationToken) : null;
        return user is null
            ? Problems.Status(StatusCodes.Status401Unauthorized, "Unknown user.")
            : Results.Ok(UserResponse.From(user));
    }

    private static async Task<IResult> RotateStreamKeyAsync(ClaimsPrincipal principal, StreamKeyService streamKeys, CancellationToken cancellationToken)
    {
        if (UserId(principal) is not { } id)
        {
            return Problems.Status(StatusCodes.Status401Unauthorized, "Unknown user.");
        }
        var (key, createdAt) = await streamKeys.RotateAsync(id, cancellationToken);
        return Results.Ok(new StreamKeyResponse(key, createdAt));
    }

    public static Guid? UserId(ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(AccessTokenService.SubjectClaim), out var id) ? id : null;
}
