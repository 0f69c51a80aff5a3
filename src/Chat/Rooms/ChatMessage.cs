namespace CommunityStream.Chat.Rooms;

/// <summary>A posted chat message as it is stored, replayed and broadcast.</summary>
/// <param name="Offset">The room's sequence number for it, from 1.</param>
/// <param name="Id">A globally unique message id.</param>
/// <param name="AuthorId">The author's account id.</param>
/// <param name="AuthorName">The author's username.</param>
/// <param name="Text">The text.</param>
/// <param name="Time">When the room accepted it.</param>
public sealed record ChatMessage(long Offset, Guid Id, Guid AuthorId, string AuthorName, string Text, DateTimeOffset Time);

/// <summary>The settings a room shows to clients.</summary>
public sealed record RoomSettings(int SlowSeconds, bool MembersOnly, bool EmoteOnly, bool AnonymousRead, int HistoryRetention);

/// <summary>Where a reconnecting client left off.</summary>
public sealed record RecoverPosition(string Epoch, long Offset);

/// <summary>A moderation request as the client sent it (fields depend on <see cref="Action"/>; see the protocol doc).</summary>
public sealed record ModerationRequest(
    string Action,
    string? User = null,
    long? Offset = null,
    int? Seconds = null,
    bool? Enabled = null,
    bool? AnonymousRead = null,
    int? HistoryRetention = null,
    string? Reason = null);
