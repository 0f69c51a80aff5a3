namespace CommunityStream.Chat.Rooms;

/// <summary>The node-wide limits a room enforces (from <see cref="ChatOptions"/>); not persisted.</summary>
internal sealed record RoomLimits(
    int MaxMessageLength,
    int RateLimitMessages,
    TimeSpan RateLimitWindow,
    int ModeratorRateMultiplier,
    int DefaultRetention,
    int HistoryOnJoin)
{
    /// <summary>Recent client ids remembered per room for idempotent sends (across all users, oldest forgotten first).</summary>
    public int ClientIdCapacity { get; init; } = 10_000;

    /// <summary>The defaults of <see cref="ChatOptions"/>.</summary>
    public static RoomLimits Default { get; } = From(new ChatOptions());

    /// <summary>Limits from settings.</summary>
    public static RoomLimits From(ChatOptions options) => new(
        options.MaxMessageLength,
        options.RateLimitMessages,
        TimeSpan.FromSeconds(options.RateLimitWindowSeconds),
        options.ModeratorRateMultiplier,
        options.DefaultRetention,
        options.HistoryOnJoin);
}

/// <summary>What <see cref="RoomState.Process"/> decided: the reply, and the events to persist before replying.</summary>
internal sealed record RoomDecision(object Reply, IReadOnlyList<IRoomEvent> Events)
{
    /// <summary>A reply with nothing to persist.</summary>
    public static RoomDecision ReplyOnly(object reply) => new(reply, []);
}
