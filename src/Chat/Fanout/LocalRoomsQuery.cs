namespace CommunityStream.Chat.Fanout;

/// <summary>To a node's local rooms actor (<c>/user/chat-local-rooms</c>), for administrators: answered with <see cref="LocalRoomsReport"/>. Crosses nodes.</summary>
public sealed record LocalRoomsQuery;

/// <summary>The rooms <paramref name="Node"/> has local members in, with their socket counts.</summary>
public sealed record LocalRoomsReport(string Node, LocalRoomMembers[] Rooms);

/// <summary>Sockets joined to <paramref name="Room"/> on one node.</summary>
public sealed record LocalRoomMembers(string Room, int Members);
