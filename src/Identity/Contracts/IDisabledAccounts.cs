namespace CommunityStream.Identity.Contracts;

/// <summary>
/// Recently disabled accounts, for modules that keep long-lived sessions open after one token check (Chat's
/// WebSockets). The answer comes from the shared database, so a module polling it on every node sees a disable
/// made on any node.
/// </summary>
public interface IDisabledAccounts
{
    /// <summary>Ids of the accounts disabled at or after <paramref name="since"/> that are still disabled.</summary>
    Task<IReadOnlyList<Guid>> DisabledSinceAsync(DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>
    /// Ids of the accounts whose sessions were revoked (by an administrator, log out everywhere, a password change) at or after <paramref name="since"/>: their
    /// access tokens issued before then are refused, and long-lived sessions opened with them should end.
    /// </summary>
    Task<IReadOnlyList<Guid>> SessionsRevokedSinceAsync(DateTimeOffset since, CancellationToken cancellationToken);
}
