using CommunityStream.Chat.Rooms;
using static CommunityStream.Chat.Rooms.RoomReplies;

namespace CommunityStream.Chat.Http;

/// <summary>Body of <c>GET /api/rooms/{room}</c> and of the 201 of <c>POST /api/rooms</c>.</summary>
internal sealed record RoomInfoResponse(string Room, string Epoch, long LatestOffset, RoomPresenceCount Presence, string? Owner, RoomSettings Settings)
{
    public static RoomInfoResponse From(Info info) =>
        new(info.Room.Value, info.Epoch, info.Latest, new RoomPresenceCount(info.PresenceCount), info.Owner, info.Settings);
}

/// <summary>How many users are in the room, over every node.</summary>
internal sealed record RoomPresenceCount(int Count);

/// <summary>Body of <c>GET /api/rooms/{room}/messages</c>: a page of visible messages, oldest first.</summary>
internal sealed record RoomMessagesResponse(string Room, string Epoch, long Latest, IReadOnlyList<RoomMessageResponse> Messages)
{
    public static RoomMessagesResponse From(Messages page) =>
        new(page.Room.Value, page.Epoch, page.Latest, [.. page.Items.Select(RoomMessageResponse.From)]);
}

/// <summary>One message of a <see cref="RoomMessagesResponse"/>.</summary>
internal sealed record RoomMessageResponse(long Offset, Guid Id, MessageAuthor Author, string Text, DateTimeOffset Time)
{
    public static RoomMessageResponse From(ChatMessage message) =>
        new(message.Offset, message.Id, new MessageAuthor(message.AuthorId, message.AuthorName), message.Text, message.Time);
}

/// <summary>A message's author.</summary>
internal sealed record MessageAuthor(Guid Id, string Name);
