using System.Collections.Immutable;

namespace CommunityStream.Chat.Rooms;

/// <summary>
/// A room's durable state in a serializer-friendly shape (arrays, no immutable collections). Rate-limit
/// windows are not kept: after recovery from a snapshot they start empty.
/// </summary>
internal sealed record RoomSnapshot(
    string Epoch,
    Guid? OwnerId,
    string? OwnerName,
    long LatestOffset,
    ChatMessage[] Messages,
    long[] Deleted,
    long ClearedThrough,
    RoomSettings Settings,
    string[] Moderators,
    string[] Banned,
    TimeoutEntry[] Timeouts,
    ClientIdEntry[] ClientIds,
    string? ClosedReason = null,
    bool OwnerForgotten = false);

/// <summary>A user's timeout in a <see cref="RoomSnapshot"/>.</summary>
internal sealed record TimeoutEntry(string User, DateTimeOffset Until);

/// <summary>An idempotency key in a <see cref="RoomSnapshot"/>, oldest first.</summary>
internal sealed record ClientIdEntry(string Key, long Offset);

/// <summary>Snapshot conversion.</summary>
internal sealed partial record RoomState
{
    /// <summary>The durable part of this state.</summary>
    public RoomSnapshot ToSnapshot() => new(
        Epoch,
        OwnerId,
        OwnerName,
        LatestOffset,
        [.. Messages],
        [.. Deleted.Order()],
        ClearedThrough,
        Settings,
        [.. Moderators.Order(StringComparer.Ordinal)],
        [.. Banned.Order(StringComparer.Ordinal)],
        [.. TimedOutUntil.Select(t => new TimeoutEntry(t.Key, t.Value)).OrderBy(t => t.User, StringComparer.Ordinal)],
        [.. ClientIdOrder.Where(ClientIds.ContainsKey).Distinct().Select(k => new ClientIdEntry(k, ClientIds[k]))],
        ClosedReason,
        OwnerForgotten);

    /// <summary>Restores a state saved with <see cref="ToSnapshot"/>.</summary>
    public static RoomState FromSnapshot(RoomSnapshot snapshot, RoomLimits limits) => new()
    {
        Limits = limits,
        Exists = true,
        Epoch = snapshot.Epoch,
        OwnerId = snapshot.OwnerId,
        OwnerName = snapshot.OwnerName,
        LatestOffset = snapshot.LatestOffset,
        Messages = [.. snapshot.Messages],
        Deleted = [.. snapshot.Deleted],
        ClearedThrough = snapshot.ClearedThrough,
        Settings = snapshot.Settings,
        Moderators = [.. snapshot.Moderators],
        Banned = [.. snapshot.Banned],
        TimedOutUntil = snapshot.Timeouts.ToImmutableDictionary(t => t.User, t => t.Until),
        ClientIds = snapshot.ClientIds.ToImmutableDictionary(c => c.Key, c => c.Offset),
        ClientIdOrder = [.. snapshot.ClientIds.Select(c => c.Key)],
        ClosedReason = snapshot.ClosedReason,
        OwnerForgotten = snapshot.OwnerForgotten,
    };
}
