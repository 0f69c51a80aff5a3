namespace CommunityStream.BuildingBlocks.Integration;

/// <summary>
/// The chat messages an account posted, for its owner's data export (<c>GET /api/me/export</c>: Identity owns the
/// route; Chat answers through this without Identity depending on it). Implementations bound the work: at most
/// <see cref="MaximumMessages"/> messages and a time limit, with <see cref="UserChatExport.Truncated"/> set when either cut it short.
/// </summary>
public interface IUserChatExport
{
    /// <summary>The most messages one export returns.</summary>
    public const int MaximumMessages = 10_000;

    /// <summary>Every retained message <paramref name="userId"/> posted, in every room, ordered by room and offset.</summary>
    Task<UserChatExport> ExportAsync(Guid userId, CancellationToken cancellationToken);
}

/// <summary>An export's messages, and whether a limit cut it short.</summary>
public sealed record UserChatExport(IReadOnlyList<ExportedChatMessage> Messages, bool Truncated)
{
    /// <summary>No messages (e.g. when no chat module is present).</summary>
    public static UserChatExport Empty { get; } = new([], false);
}

/// <summary>One message of an export: the room, its offset there, its id, text and time.</summary>
public sealed record ExportedChatMessage(string Room, long Offset, Guid Id, string Text, DateTimeOffset Time);
