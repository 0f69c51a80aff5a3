namespace CommunityStream.Identity.Contracts;

/// <summary>
/// Accounts their owners deleted, for modules that show what those accounts left behind (Chat renders their messages'
/// author as a deleted user). Answered from memory: every node loads the deleted ids at start and polls the shared
/// database for new ones every few seconds (at once for a deletion made on this node). A deletion is final, so a
/// "deleted" answer never turns back.
/// </summary>
public interface IDeletedAccounts
{
    /// <summary>True when the account with this id was deleted.</summary>
    bool IsDeleted(Guid userId);

    /// <summary>
    /// The deleted accounts whose usernames are not freed yet (Identity frees them
    /// <c>Identity:DeletedAccountGraceDays</c> after the deletion), with those usernames, oldest deletion first: what
    /// other modules keyed by username must forget before someone else can register the name. Read from the database.
    /// </summary>
    Task<IReadOnlyList<DeletedAccountName>> ListNamesAwaitingReleaseAsync(CancellationToken cancellationToken);
}

/// <summary>A deleted account whose username is not free yet.</summary>
/// <param name="UserId">The account's id.</param>
/// <param name="Username">The username it had, as registered.</param>
/// <param name="DeletedAt">When it was deleted.</param>
public sealed record DeletedAccountName(Guid UserId, string Username, DateTimeOffset DeletedAt);
