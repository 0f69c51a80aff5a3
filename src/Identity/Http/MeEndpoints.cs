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

/// <summary><c>/api/me</c>: the signed-in user, their password, sessions, stream key, data export and deletion.</summary>
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

        // The key, a fresh access token, the account's data: never cached (RFC 6749 §5.1).
        me.MapPost("/stream-key", RotateStreamKeyAsync)
            .WithNoStore()
            .RequireAuthorization(IdentityPolicies.Streamer)
            .WithName("RotateStreamKey")
            .WithSummary("Create or replace the caller's stream key; the key is shown only in this response.")
            .Produces<StreamKeyResponse>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        me.MapGet("/stream-key", GetStreamKeyAsync)
            .WithNoStore()
            .RequireAuthorization(IdentityPolicies.Streamer)
            .WithName("GetStreamKeyMetadata")
            .WithSummary("Whether the caller has a stream key and when it was created; never the key itself.")
            .Produces<StreamKeyMetadataResponse>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        me.MapPost("/password", ChangePasswordAsync)
            .WithNoStore()
            .WithName("ChangePassword")
            .WithSummary("Change the password after re-entering the current one; every other login's refresh tokens are revoked and every access token issued until now is refused.")
            .WithDescription("The answer carries a fresh access token for the caller's login (its refresh token or cookie stays valid); the token used for the request is refused from now on.")
            .Accepts<ChangePasswordRequest>("application/json")
            .Produces<PasswordChangedResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesJsonBodyProblems()
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithResponseHeader(StatusCodes.Status429TooManyRequests, "Retry-After", "Seconds until the next attempt is allowed.");

        me.MapPost("/sessions/revoke", RevokeSessionsAsync)
            .WithName("RevokeOwnSessions")
            .WithSummary("Log out everywhere: revoke every refresh token, refuse access tokens issued until now, close chat sockets.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        me.MapGet("/export", ExportAsync)
            .WithNoStore()
            .WithName("ExportOwnData")
            .WithSummary("Download the account's data as JSON: account, roles, stream-key metadata, chat messages.")
            .Produces<AccountExportResponse>()
            .WithResponseHeader(StatusCodes.Status200OK, "Content-Disposition", "attachment; filename=\"communitystream-{username}.json\"")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithResponseHeader(StatusCodes.Status429TooManyRequests, "Retry-After", "Seconds until the next export is allowed.");

        me.MapDelete("/", DeleteAsync)
            .WithName("DeleteOwnAccount")
            .WithSummary("Delete the account after re-entering the password; its username and email are freed after the grace period.")
            .Accepts<DeleteAccountRequest>("application/json")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesJsonBodyProblems()
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithResponseHeader(StatusCodes.Status429TooManyRequests, "Retry-After", "Seconds until the next attempt is allowed.");
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
            return UnknownUser();
        }
        var (key, createdAt) = await streamKeys.RotateAsync(id, cancellationToken);
        return Results.Ok(new StreamKeyResponse(key, createdAt));
    }

    private static async Task<IResult> GetStreamKeyAsync(ClaimsPrincipal principal, StreamKeyStore streamKeys, CancellationToken cancellationToken)
    {
        if (UserId(principal) is not { } id)
        {
            return UnknownUser();
        }
        var createdAt = await streamKeys.FindCreatedAtAsync(id, cancellationToken);
        return Results.Ok(new StreamKeyMetadataResponse(createdAt is not null, createdAt));
    }

    private static async Task<IResult> ChangePasswordAsync(HttpContext context, ClaimsPrincipal principal, OwnAccountService account, CancellationToken cancellationToken)
    {
        if (UserId(principal) is not { } id)
        {
            return UnknownUser();
        }
        var (request, error) = await JsonBody.ReadAsync<ChangePasswordRequest>(context.Request, cancellationToken);
        if (request is null)
        {
            return error!;
        }
        if (string.IsNullOrEmpty(request.CurrentPassword))
        {
            return Problems.Validation("currentPassword", "Re-enter the current password.");
        }
        var (check, violation, token) = await account.ChangePasswordAsync(id, request.CurrentPassword, request.NewPassword, SessionId(principal), ClientAddress.Of(context), cancellationToken);
        if (Refusal(check) is { } refused)
        {
            return refused;
        }
        return violation is null
            ? Results.Ok(new PasswordChangedResponse(token!.Token, token.ExpiresInSeconds))
            : Problems.Validation(violation.Field, violation.Message);
    }

    private static async Task<IResult> RevokeSessionsAsync(HttpContext context, ClaimsPrincipal principal, AccountAdministration administration, CancellationToken cancellationToken)
    {
        if (UserId(principal) is not { } id || await administration.RevokeSessionsAsync(id, cancellationToken) is null)
        {
            return UnknownUser();
        }
        BrowserSession.Expire(context.Response);
        return Results.NoContent();
    }

    private static async Task<IResult> ExportAsync(HttpContext context, ClaimsPrincipal principal, UserStore users, StreamKeyStore streamKeys, OwnAccountService account, TimeProvider time, CancellationToken cancellationToken)
    {
        var user = UserId(principal) is { } id ? await users.FindByIdAsync(id, cancellationToken) : null;
        if (user is null)
        {
            return UnknownUser();
        }
        if (account.TryAcquireExport(user.Id, ClientAddress.Of(context)) is { } wait)
        {
            return new RetryAfterProblem(wait);
        }
        var keyCreatedAt = await streamKeys.FindCreatedAtAsync(user.Id, cancellationToken);
        var chat = await account.ExportChatAsync(user.Id, cancellationToken);
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"communitystream-{user.Username}.json\"";
        return Results.Ok(new AccountExportResponse(
            time.GetUtcNow(),
            new ExportedAccount(user.Id, user.Username, user.Email, user.CreatedAt, user.LastLoginAt, user.Roles),
            new StreamKeyMetadataResponse(keyCreatedAt is not null, keyCreatedAt),
            [.. chat.Messages.Select(m => new ExportedChatMessageResponse(m.Room, m.Offset, m.Id, m.Text, m.Time))],
            chat.Truncated));
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, ClaimsPrincipal principal, OwnAccountService account, CancellationToken cancellationToken)
    {
        if (UserId(principal) is not { } id)
        {
            return UnknownUser();
        }
        var (request, error) = await JsonBody.ReadAsync<DeleteAccountRequest>(context.Request, cancellationToken);
        if (request is null)
        {
            return error!;
        }
        if (Refusal(await account.DeleteAsync(id, request.Password, ClientAddress.Of(context), cancellationToken)) is { } refused)
        {
            return refused;
        }
        BrowserSession.Expire(context.Response);
        return Results.NoContent();
    }

    private static IResult? Refusal(ReauthenticationResult check) => check.Status switch
    {
        PasswordCheckStatus.Succeeded => null,
        PasswordCheckStatus.Throttled => new RetryAfterProblem(check.RetryAfter ?? TimeSpan.FromSeconds(1)),
        PasswordCheckStatus.UnknownUser => UnknownUser(),
        _ => Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Wrong password.", detail: "The password entered is not the account's password.",
            extensions: new Dictionary<string, object?> { ["code"] = "wrong_password" }),
    };

    private static IResult UnknownUser() => Problems.Status(StatusCodes.Status401Unauthorized, "Unknown user.");

    public static Guid? UserId(ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(AccessTokenService.SubjectClaim), out var id) ? id : null;

    /// <summary>The login (refresh-token family) the access token was issued for; null for tokens without one.</summary>
    private static Guid? SessionId(ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(AccessTokenService.SessionClaim), out var id) ? id : null;
}
