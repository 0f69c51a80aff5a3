using CommunityStream.BuildingBlocks;
using CommunityStream.Identity.Security;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CommunityStream.Identity.Http;

/// <summary>
/// Configures the bearer scheme from <see cref="AccessTokenService"/> (resolved lazily, so the key file is
/// read once the container exists) and turns its 401/403 answers into problem bodies.
/// </summary>
internal sealed class JwtBearerSetup(AccessTokenService tokens) : IConfigureNamedOptions<JwtBearerOptions>
{
    public void Configure(string? name, JwtBearerOptions options)
    {
        if (name != JwtBearerDefaults.AuthenticationScheme)
        {
            return;
        }
        options.MapInboundClaims = false;
        options.TokenValidationParameters = tokens.ValidationParameters;
        options.Events = new JwtBearerEvents
        {
            OnTokenValidated = RejectInactiveUsersAsync,
            OnChallenge = WriteChallengeAsync,
            OnForbidden = context => Problems
                .Status(StatusCodes.Status403Forbidden, "Forbidden.", "Your roles do not allow this.")
                .ExecuteAsync(context.HttpContext),
        };
    }

    public void Configure(JwtBearerOptions options) => Configure(JwtBearerDefaults.AuthenticationScheme, options);

    private static async Task RejectInactiveUsersAsync(TokenValidatedContext context)
    {
        var user = context.Principal is { } principal ? MeEndpoints.UserId(principal) : null;
        var statusCache = context.HttpContext.RequestServices.GetRequiredService<UserStatusCache>();
        if (user is null || !await statusCache.IsActiveAsync(user.Value, AccessTokenService.IssuedAtOf(context.SecurityToken), context.HttpContext.RequestAborted))
        {
            context.Fail("The account is disabled or no longer exists, or its sessions were revoked.");
        }
    }

    private static Task WriteChallengeAsync(JwtBearerChallengeContext context)
    {
        // Take over the response: the default writes an empty 401 with only WWW-Authenticate.
        context.HandleResponse();
        context.Response.Headers.WWWAuthenticate = context.AuthenticateFailure is null
            ? "Bearer"
            : "Bearer error=\"invalid_token\"";
        var detail = context.AuthenticateFailure is null ? "A bearer access token is required." : "The access token is invalid, expired or revoked.";
        return Problems.Status(StatusCodes.Status401Unauthorized, "Unauthorized.", detail).ExecuteAsync(context.HttpContext);
    }
}
