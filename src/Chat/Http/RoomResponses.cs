using System.Text.Json.Serialization;
using CommunityStream.Chat.Delivery;
using CommunityStream.Chat.Rooms;
using CommunityStream.Identity.Contracts;
using static CommunityStream.Chat.Rooms.RoomReplies;

namespace CommunityStream.Chat.Http;

/// <summary>Body of <c>GET /api/rooms/{room}</c> and of the 201 of <c>POST /api/rooms</c>.</summary>
internal sealed record RoomInfoResponse(string Room, string Epoch, long LatestOffset, RoomPresenceCount Presence, string? Owner, IReadOnlyList<string> Moderators, RoomSettings Settings)
{
    public static RoomInfoResponse From(Info info) =>
        new(info.Room.Value, info.Epoch, info.Latest, new RoomPresenceCount(info.PresenceCount), info.Owner, info.Moderators, info.Settings);
}

/// <summary>How many users are in the room, over every node.</summary>
internal sealed record RoomPresenceCount(int Count);

/// <summary>Body of <c>GET /api/rooms/{room}/messages</c>: a page of visible messages, oldest first.</summary>
internal sealed record RoomMessagesResponse(string Room, string Epoch, long Latest, IReadOnlyList<RoomMessageResponse> Messages)
{
    public static RoomMessagesResponse From(Messages page, IDeletedAccounts deleted) =>
        new(page.Room.Value, page.Epoch, page.Latest, [.. page.Items.Select(m => RoomMessageResponse.From(m, deleted))]);
}

/// <summary>One message of a <see cref="RoomMessagesResponse"/>.</summary>
internal sealed record RoomMessageResponse(long Offset, Guid Id, MessageAuthor Author, string Text, DateTimeOffset Time)
{
    public static RoomMessageResponse From(ChatMessage message, IDeletedAccounts deleted) =>
        new(message.Offset, message.Id, MessageAuthor.Of(message, deleted), message.Text, message.Time);
}

/// <summary>
/// A message's author; for an account its owner deleted, <c>{"id": null, "name": "deleted user", "deleted": true}</c>
/// (<see cref="Deleted"/> is left out otherwise).
/// </summary>
internal sealed record MessageAuthor(Guid? Id, string Name, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool Deleted = false)
{
    public static MessageAuthor Of(ChatMessage message, IDeletedAccounts deleted) =>
        deleted.IsDeleted(message.AuthorId) ? new(null, DeletedAuthor.Name, true) : new(message.AuthorId, message.AuthorName);
}
