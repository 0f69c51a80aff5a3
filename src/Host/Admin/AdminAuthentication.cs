using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using CommunityStream.BuildingBlocks;
using CommunityStream.Identity.Contracts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace CommunityStream.Host.Admin;

/// <summary>
/// The admin API's bearer scheme: an Identity access token (signature, lifetime, account not disabled; the policy
/// then requires the admin role), or <c>Admin:ApiKey</c> for automation, compared in constant time.
/// </summary>
public sealed class AdminAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    AdminSettings settings,
    ITokenValidator tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The authentication scheme's name.</summary>
    public const string SchemeName = "AdminBearer";

    /// <summary>The authorization policy of every admin endpoint: this scheme and the admin role.</summary>
    public const string Policy = "admin-api";

    /// <summary>The principal name of a caller that presented <c>Admin:ApiKey</c>.</summary>
    public const string ApiKeyPrincipal = "api-key";

    /// <inheritdoc />
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (BearerHeader.Read(Request) is not { } token)
        {
            return AuthenticateResult.NoResult();
        }
        if (token.Length == 0)
        {
            return AuthenticateResult.Fail("Empty bearer token.");
        }
        if (settings.ApiKeyHash is { } apiKeyHash
            && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(token)), apiKeyHash))
        {
            return Success(ApiKeyPrincipal, [Roles.Admin]);
        }
        var user = await tokens.ValidateAccessTokenAsync(token, Context.RequestAborted);
        return user is null
            ? AuthenticateResult.Fail("The access token is invalid, expired or belongs to a disabled account.")
            : Success(user.Username, user.Roles);
    }

    /// <inheritdoc />
    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        return base.HandleChallengeAsync(properties);
    }

    private static AuthenticateResult Success(string name, IEnumerable<string> roles)
    {
        var identity = new ClaimsIdentity(SchemeName, ClaimTypes.Name, ClaimTypes.Role);
        identity.AddClaim(new Claim(ClaimTypes.Name, name));
        identity.AddClaims(roles.Select(role => new Claim(ClaimTypes.Role, role)));
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}
