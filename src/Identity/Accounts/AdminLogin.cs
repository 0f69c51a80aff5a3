using CommunityStream.Identity.Contracts;

namespace CommunityStream.Identity.Accounts;

/// <summary><see cref="IAdminLogin"/> on top of the ordinary login, so throttling and lockout are the same ones.</summary>
internal sealed class AdminLogin(AccountService accounts, ITokenValidator tokens) : IAdminLogin
{
    public async Task<AdminLoginResult> LoginAsync(string? login, string? password, string clientAddress, CancellationToken cancellationToken)
    {
        var result = await accounts.LoginAsync(login, password, clientAddress, cancellationToken);
        switch (result.Status)
        {
            case LoginStatus.Throttled:
                return new AdminLoginResult(AdminLoginStatus.Throttled, RetryAfter: result.RetryAfter);
            case LoginStatus.Disabled:
                return new AdminLoginResult(AdminLoginStatus.Disabled);
            case LoginStatus.Succeeded:
                break;
            default:
                return new AdminLoginResult(AdminLoginStatus.InvalidCredentials);
        }
        var pair = result.Tokens!;
        // The refresh token is not handed out here: revoke it at once rather than leave it valid and unknown.
        await accounts.LogoutAsync(pair.RefreshToken, cancellationToken);
        var user = await tokens.ValidateAccessTokenAsync(pair.AccessToken, cancellationToken);
        return user is not null && user.IsInRole(Roles.Admin)
            ? new AdminLoginResult(AdminLoginStatus.Succeeded, pair.AccessToken, pair.ExpiresInSeconds, user.Username)
            : new AdminLoginResult(AdminLoginStatus.NotAdmin);
    }
}
