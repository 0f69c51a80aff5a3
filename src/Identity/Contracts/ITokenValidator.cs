namespace CommunityStream.Identity.Contracts;

/// <summary>
/// Validates access tokens outside the HTTP pipeline (e.g. a WebSocket handshake that carries the token
/// in a query string). Same rules as the bearer handler: signature, issuer, audience, lifetime, and the
/// account must not be disabled.
/// </summary>
public interface ITokenValidator
{
    /// <summary>Returns the user for a valid token, or <see langword="null"/> when the token is rejected.</summary>
    Task<AuthenticatedUser?> ValidateAccessTokenAsync(string token, CancellationToken cancellationToken);
}
