using CommunityStream.Identity.Contracts;
using CommunityStream.Identity.Persistence;

namespace CommunityStream.Identity.Accounts;

/// <summary>The <see cref="IUserDirectory"/> and <see cref="IDisabledAccounts"/> other modules use.</summary>
internal sealed class UserDirectory(UserStore users) : IUserDirectory, IDisabledAccounts
{
    public Task<IReadOnlyList<Guid>> DisabledSinceAsync(DateTimeOffset since, CancellationToken cancellationToken) =>
        users.FindDisabledSinceAsync(since, cancellationToken);

    public Task<IReadOnlyList<Guid>> SessionsRevokedSinceAsync(DateTimeOffset since, CancellationToken cancellationToken) =>
        users.FindSessionsRevokedSinceAsync(since, cancellationToken);

    public async Task<UserSummary?> FindByIdAsync(Guid id, CancellationToken cancellationToken) =>
        (await users.FindByIdAsync(id, cancellationToken))?.ToSummary();

    public async Task<UserSummary?> FindByUsernameAsync(string username, CancellationToken cancellationToken) =>
        string.IsNullOrWhiteSpace(username) ? null : (await users.FindByUsernameAsync(username, cancellationToken))?.ToSummary();
}
