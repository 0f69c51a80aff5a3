namespace CommunityStream.Identity.Contracts;

/// <summary>Read-only look-ups of accounts for other modules.</summary>
public interface IUserDirectory
{
    /// <summary>The account with this id, or <see langword="null"/>.</summary>
    Task<UserSummary?> FindByIdAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>The account with this username (case-insensitive), or <see langword="null"/>.</summary>
    Task<UserSummary?> FindByUsernameAsync(string username, CancellationToken cancellationToken);
}
