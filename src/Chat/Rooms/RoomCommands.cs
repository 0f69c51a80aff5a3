namespace CommunityStream.Chat.Rooms;

/// <summary>Anything addressed to one room; the shard region routes on <see cref="Room"/>.</summary>
public interface IWithRoomId
{
    /// <summary>The room the message is for.</summary>
    RoomId Room { get; }
}

/// <summary>A command or query handled by a room's <c>RoomActor</c>.</summary>
public interface IRoomCommand : IWithRoomId;

/// <summary>The commands and queries a room understands. All of them cross the cluster.</summary>
public static class RoomCommands
{
    /// <summary>
    /// Post a message; replied with <see cref="RoomReplies.Acked"/> once durable, or <see cref="RoomReplies.Rejected"/>.
    /// <paramref name="SentAt"/> is when the gateway read it (UTC ticks; 0 when unknown), for the stage histograms.
    /// </summary>
    public sealed record Post(RoomId Room, ChatUser? User, string Text, string? ClientId, long SentAt = 0) : IRoomCommand;

    /// <summary>Join (read) the room: replied with <see cref="RoomReplies.Joined"/> carrying history or a recovery range.</summary>
    public sealed record Join(RoomId Room, ChatUser? User, int History, RecoverPosition? Recover) : IRoomCommand;

    /// <summary>A moderation action; replied with <see cref="RoomReplies.Moderated"/> once durable.</summary>
    public sealed record Moderate(RoomId Room, ChatUser User, ModerationRequest Request) : IRoomCommand;

    /// <summary>Visible messages with offsets in (<paramref name="After"/>, <paramref name="Before"/>), the latest <paramref name="Limit"/> of them.</summary>
    public sealed record GetMessages(RoomId Room, ChatUser? User, long After, long? Before, int Limit) : IRoomCommand;

    /// <summary>
    /// Every retained message in (<paramref name="After"/>, <paramref name="Before"/>), deleted ones excepted,
    /// without permission checks: nodes use it to fill gaps in what they fan out.
    /// </summary>
    public sealed record FetchRange(RoomId Room, long After, long Before) : IRoomCommand;

    /// <summary>
    /// For an account's data export: the first <paramref name="Limit"/> retained messages of <paramref name="Author"/>
    /// with offsets after <paramref name="After"/>, oldest first, hidden ones (deleted, cleared) included; replied with
    /// <see cref="RoomReplies.Messages"/>. No permission checks: only the node's export service sends it.
    /// </summary>
    public sealed record GetAuthorMessages(RoomId Room, Guid Author, long After, int Limit) : IRoomCommand;

    /// <summary>Settings, latest offset and presence; replied with <see cref="RoomReplies.Info"/>.</summary>
    public sealed record GetInfo(RoomId Room, ChatUser? User) : IRoomCommand;

    /// <summary>For administrators: settings, moderation state, presence per node; replied with <see cref="RoomReplies.AdminView"/>.</summary>
    public sealed record GetAdminView(RoomId Room) : IRoomCommand;

    /// <summary>An admin creates a standalone room; replied with <see cref="RoomReplies.Info"/> or <c>room_exists</c>.</summary>
    public sealed record Create(RoomId Room, ChatUser Admin, bool AnonymousRead) : IRoomCommand;

    /// <summary>
    /// For Chat's deleted-account sweep: forget these deleted accounts (moderator rights, bans, timeouts by name;
    /// ownership by id); replied with <see cref="RoomReplies.Moderated"/> (action <c>forget_accounts</c>) once durable.
    /// No permission checks: only the node's sweep sends it. A room that does not exist refuses without being created.
    /// </summary>
    public sealed record ForgetAccounts(RoomId Room, ForgottenAccount[] Accounts) : IRoomCommand;

    /// <summary>
    /// One node's local viewers of the room, sent at most once a second when it changed and as a heartbeat;
    /// the room forgets a node that stops reporting. <paramref name="Members"/> is null for large rooms.
    /// </summary>
    public sealed record ReportPresence(RoomId Room, string Node, int Count, string[]? Members) : IRoomCommand;
}

/// <summary>A deleted account in <see cref="RoomCommands.ForgetAccounts"/>: its id and the username it had.</summary>
public sealed record ForgottenAccount(Guid UserId, string Username);
