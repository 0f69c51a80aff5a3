using CommunityStream.Identity.Contracts;
using CommunityStream.Identity.Security;

namespace CommunityStream.Identity.Accounts;

/// <summary>The <see cref="ITokenValidator"/> other modules use: the bearer handler's rules plus the disabled check.</summary>
internal sealed class TokenValidator(AccessTokenService tokens, UserStatusCache statusCache) : ITokenValidator
{
    public async Task<AuthenticatedUser?> ValidateAccessTokenAsync(string token, CancellationToken cancellationToken)
    {
        var (user, issuedAt) = await tokens.ValidateWithIssueTimeAsync(token);
        return user is not null && await statusCache.IsActiveAsync(user.Id, issuedAt, cancellationToken) ? user : null;
    }
}
