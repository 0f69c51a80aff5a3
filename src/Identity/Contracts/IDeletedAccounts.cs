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
}
