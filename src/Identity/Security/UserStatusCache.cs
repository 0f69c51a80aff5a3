using System.Collections.Concurrent;
using CommunityStream.Identity.Persistence;

namespace CommunityStream.Identity.Security;

/// <summary>
/// Answers "is this account still allowed?" for every authenticated request. A few seconds of caching keeps
/// that off the database; this node forgets an entry at once when it disables or enables the account.
/// </summary>
internal sealed class UserStatusCache(UserStore users, TimeProvider time)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(5);
    private const int MaximumEntries = 50_000;
    private readonly ConcurrentDictionary<Guid, (bool Active, DateTimeOffset Until)> _entries = new();

    public async Task<bool> IsActiveAsync(Guid userId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_entries.TryGetValue(userId, out var cached) && cached.Until > now)
        {
            return cached.Active;
        }
        var user = await users.FindByIdAsync(userId, cancellationToken);
        var active = user is { Disabled: false };
        if (_entries.Count >= MaximumEntries)
        {
            _entries.Clear();
        }
        _entries[userId] = (active, now + Lifetime);
        return active;
    }

    public void Forget(Guid userId) => _entries.TryRemove(userId, out _);
}
