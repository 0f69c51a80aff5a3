using System.Collections.Concurrent;
using CommunityStream.Identity.Contracts;
using CommunityStream.Identity.Persistence;

namespace CommunityStream.Identity.Accounts;

/// <summary>The <see cref="IDeletedAccounts"/> set of this node; <see cref="DeletedAccountWatcher"/> keeps it current.</summary>
internal sealed class DeletedAccountsCache(UserStore users) : IDeletedAccounts
{
    private readonly ConcurrentDictionary<Guid, byte> _deleted = new();

    public bool IsDeleted(Guid userId) => _deleted.ContainsKey(userId);

    public Task<IReadOnlyList<DeletedAccountName>> ListNamesAwaitingReleaseAsync(CancellationToken cancellationToken) =>
        users.FindDeletedNamesNotFreedAsync(cancellationToken);

    public void Add(Guid userId) => _deleted.TryAdd(userId, 0);

    public void AddRange(IEnumerable<Guid> userIds)
    {
        foreach (var id in userIds)
        {
            Add(id);
        }
    }
}
