using System.Collections.Concurrent;
using CommunityStream.Identity.Persistence;

namespace CommunityStream.Identity.Security;

/// <summary>
/// Answers "is this account still allowed, with a token issued then?" for every authenticated request. A few seconds
/// of caching keeps that off the database; this node forgets an entry at once when it disables or enables the
/// account or revokes its sessions (other nodes within <see cref="Lifetime"/>).
/// </summary>
internal sealed class UserStatusCache(UserStore users, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(5);
    private const int MaximumEntries = 50_000;
    private readonly ConcurrentDictionary<Guid, (bool Active, DateTimeOffset? RevokedAt, DateTimeOffset Until)> _entries = new();

    /// <summary>
    /// True when the account exists, is enabled, and its sessions were not revoked after <paramref name="issuedAt"/>
    /// (a token's <c>iat</c>, whole seconds; tokens issued after a stamp in its own second carry the next second, see
    /// <see cref="AccessTokenService.IssuedAtFor"/>).
    /// </summary>
    public async Task<bool> IsActiveAsync(Guid userId, DateTimeOffset? issuedAt, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (!_entries.TryGetValue(userId, out var entry) || entry.Until <= now)
        {
            var user = await users.FindByIdAsync(userId, cancellationToken);
            entry = (user is { Disabled: false }, user?.SessionsRevokedAt, now + Lifetime);
            if (_entries.Count >= MaximumEntries)
            {
                _entries.Clear();
            }
            _entries[userId] = entry;
        }
        return entry.Active && (entry.RevokedAt is not { } revoked || issuedAt is not { } issued || issued > revoked);
    }

    public void Forget(Guid userId) => _entries.TryRemove(userId, out _);
}
