using System.Security.Claims;
using CommunityStream.Identity.Configuration;
using CommunityStream.Identity.Contracts;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CommunityStream.Identity.Security;

/// <summary>An issued access token and its lifetime.</summary>
internal sealed record IssuedAccessToken(string Token, DateTimeOffset ExpiresAt, int ExpiresInSeconds);

/// <summary>
/// Issues and validates HS256 JWT access tokens. The bearer handler and <see cref="ITokenValidator"/> share
/// <see cref="ValidationParameters"/>, so both accept exactly the same tokens.
/// </summary>
internal sealed class AccessTokenService
{
    public const string SubjectClaim = "sub";
    public const string NameClaim = "name";
    public const string RoleClaim = "role";

    /// <summary>The refresh-token family (one login) the token was issued for; absent for admin-API tokens.</summary>
    public const string SessionClaim = "sid";
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false, SetDefaultTimesOnTokenCreation = false };
    private readonly SigningCredentials _credentials;
    private readonly JwtSettings _settings;
    private readonly TimeProvider _time;

    public AccessTokenService(SymmetricSecurityKey key, JwtSettings settings, TimeProvider time)
    {
        _credentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256);
        _settings = settings;
        _time = time;
        ValidationParameters = CreateValidationParameters(key, settings);
    }

    public TokenValidationParameters ValidationParameters { get; }

    /// <summary>
    /// A token for the user; <paramref name="revokedAt"/> is the account's <c>sessions_revoked_at</c>, if any. <c>iat</c>
    /// has whole seconds and a token is refused unless its <c>iat</c> is after the stamp, so a token issued in the
    /// stamp's own second gets the next whole second as its <c>iat</c> (at most a second ahead; <c>nbf</c> stays now).
    /// </summary>
    public IssuedAccessToken Issue(Guid userId, string username, IReadOnlyList<string> roles, Guid? sessionId = null, DateTimeOffset? revokedAt = null)
    {
        var now = _time.GetUtcNow();
        var lifetime = TimeSpan.FromMinutes(_settings.AccessTokenMinutes);
        var expires = now + lifetime;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = _settings.Issuer,
            Audience = _settings.Audience,
            IssuedAt = IssuedAtFor(now, revokedAt).UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = _credentials,
            Claims = new Dictionary<string, object>
            {
                [SubjectClaim] = userId.ToString(),
                [NameClaim] = username,
                // An array even for one role, so consumers see a single shape; each element becomes one "role" claim.
                [RoleClaim] = roles.ToArray(),
                [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
            },
        };
        if (sessionId is { } session)
        {
            descriptor.Claims[SessionClaim] = session.ToString();
        }
        return new IssuedAccessToken(_handler.CreateToken(descriptor), expires, (int)lifetime.TotalSeconds);
    }

    /// <summary>
    /// <paramref name="now"/>, unless its whole second is not after <paramref name="revokedAt"/>: then the first whole
    /// second after the stamp, so the token is accepted while every token issued before the stamp is refused.
    /// </summary>
    public static DateTimeOffset IssuedAtFor(DateTimeOffset now, DateTimeOffset? revokedAt)
    {
        if (revokedAt is not { } revoked)
        {
            return now;
        }
        var second = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
        return second > revoked ? now : DateTimeOffset.FromUnixTimeSeconds(revoked.ToUnixTimeSeconds() + 1);
    }

    /// <summary>Signature, algorithm, issuer, audience and lifetime; not the account state (see <c>UserStatusCache</c>).</summary>
    public async Task<AuthenticatedUser?> ValidateAsync(string token) => (await ValidateWithIssueTimeAsync(token)).User;

    /// <summary>As <see cref="ValidateAsync"/>, with the token's <c>iat</c> (for the per-account revocation stamp).</summary>
    public async Task<(AuthenticatedUser? User, DateTimeOffset? IssuedAt)> ValidateWithIssueTimeAsync(string token)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            return (null, null);
        }
        var result = await _handler.ValidateTokenAsync(token, ValidationParameters);
        return result.IsValid ? (FromClaims(result.ClaimsIdentity, result.SecurityToken?.ValidTo), IssuedAtOf(result.SecurityToken)) : (null, null);
    }

    /// <summary>The token's <c>iat</c>, or null when it has none.</summary>
    public static DateTimeOffset? IssuedAtOf(SecurityToken? token) =>
        token is JsonWebToken { IssuedAt: var at } && at != DateTime.MinValue ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : null;

    public static AuthenticatedUser? FromClaims(ClaimsIdentity identity, DateTime? validTo)
    {
        if (!Guid.TryParse(identity.FindFirst(SubjectClaim)?.Value, out var id))
        {
            return null;
        }
        var name = identity.FindFirst(NameClaim)?.Value ?? string.Empty;
        var roles = identity.FindAll(RoleClaim).Select(c => c.Value).ToArray();
        DateTimeOffset? expiresAt = validTo is { } to && to != DateTime.MinValue ? new DateTimeOffset(DateTime.SpecifyKind(to, DateTimeKind.Utc)) : null;
        return new AuthenticatedUser(id, name, roles, expiresAt);
    }

    private static TokenValidationParameters CreateValidationParameters(SymmetricSecurityKey key, JwtSettings settings) => new()
    {
        ValidateIssuer = true,
        ValidIssuer = settings.Issuer,
        ValidateAudience = true,
        ValidAudience = settings.Audience,
        ValidateLifetime = true,
        RequireExpirationTime = true,
        RequireSignedTokens = true,
        ValidateIssuerSigningKey = true,
        IssuerSigningKey = key,
        // Pinning the algorithm rules out "alg: none" and algorithm-confusion tokens.
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        ClockSkew = ClockSkew,
        NameClaimType = NameClaim,
        RoleClaimType = RoleClaim,
    };
}
