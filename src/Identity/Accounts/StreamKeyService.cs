using CommunityStream.Identity.Contracts;
using CommunityStream.Identity.Persistence;
using CommunityStream.Identity.Security;
using Microsoft.Extensions.Logging;

namespace CommunityStream.Identity.Accounts;

/// <summary>Issues stream keys (shown once, stored hashed) and checks them when an encoder connects.</summary>
internal sealed class StreamKeyService(UserStore users, StreamKeyStore keys, TimeProvider time, ILogger<StreamKeyService> logger) : IStreamKeyValidator
{
    public async Task<(string StreamKey, DateTimeOffset CreatedAt)> RotateAsync(Guid userId, CancellationToken cancellationToken)
    {
        var key = SecretTokens.NewStreamKey();
        var createdAt = DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());
        await keys.UpsertAsync(userId, SecretTokens.Hash(key), createdAt, cancellationToken);
        logger.StreamKeyRotated(userId);
        return (key, createdAt);
    }

    public async Task<AuthenticatedUser?> ValidateStreamKeyAsync(string channel, string streamKey, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(channel) || string.IsNullOrEmpty(streamKey)
            || !streamKey.StartsWith(SecretTokens.StreamKeyPrefix, StringComparison.Ordinal))
        {
            return null;
        }
        var user = await users.FindByUsernameAsync(channel, cancellationToken);
        if (user is null || user.Disabled)
        {
            return null;
        }
        var storedHash = await keys.FindHashAsync(user.Id, cancellationToken);
        if (storedHash is null || !SecretTokens.HashesEqual(storedHash, SecretTokens.Hash(streamKey)))
        {
            return null;
        }
        return new AuthenticatedUser(user.Id, user.Username, user.Roles, null);
    }
}
