using CommunityStream.Identity.Configuration;
using CommunityStream.Identity.Contracts;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CommunityStream.Identity.Persistence;

/// <summary>
/// Runs before Kestrel listens (hosted services start first): creates or migrates the schema, loads or
/// generates the signing key, drops expired refresh tokens, and provisions the configured administrator.
/// </summary>
internal sealed class IdentityStartup(
    IdentitySchema schema,
    SigningKeyProvider signingKey,
    RefreshTokenStore refreshTokens,
    TimeProvider time,
    IAccountAdministration administration,
    IOptions<IdentityOptions> options,
    ILogger<IdentityStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await schema.EnsureCreatedAsync(cancellationToken);
        _ = signingKey.Key;
        await refreshTokens.DeleteExpiredAsync(time.GetUtcNow(), cancellationToken);

        var admin = options.Value.Admin;
        if (admin.IsConfigured)
        {
            var result = await administration.CreateOrPromoteAdminAsync(admin.Username!, admin.Email!, admin.Password!, cancellationToken);
            if (!result.Succeeded)
            {
                throw new InvalidOperationException($"Identity:Admin could not be provisioned: {result.Message}");
            }
            logger.AdminProvisioned(result.Outcome);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
