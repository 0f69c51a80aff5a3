using System.Collections.Concurrent;

namespace CommunityStream.Chat.Gateway;

/// <summary>
/// This node's open authenticated connections and their accounts, so that a disabled account's sockets can be
/// found without a timer or a database look-up per socket. Anonymous connections are not listed.
/// </summary>
internal sealed class AuthenticatedConnections
{
    private readonly ConcurrentDictionary<ChatConnection, Guid> _accounts = new();

    /// <summary>True when no authenticated socket is open: the sweep then skips its query.</summary>
    public bool IsEmpty => _accounts.IsEmpty;

    public void Add(ChatConnection connection, Guid accountId) => _accounts[connection] = accountId;

    public void Remove(ChatConnection connection) => _accounts.TryRemove(connection, out _);

    /// <summary>
    /// The open connections of any of <paramref name="accountIds"/>. A scan: it runs only when an account was
    /// just disabled, and a dictionary keyed by connection needs no locking between open and close.
    /// </summary>
    public IReadOnlyList<ChatConnection> Of(IReadOnlySet<Guid> accountIds) =>
        [.. _accounts.Where(entry => accountIds.Contains(entry.Value)).Select(entry => entry.Key)];

    /// <summary>How many sockets <paramref name="accountId"/> has open on this node (a scan; for administrators).</summary>
    public int CountOf(Guid accountId) => _accounts.Count(entry => entry.Value == accountId);
}
