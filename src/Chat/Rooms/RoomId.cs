using System.Text.RegularExpressions;

namespace CommunityStream.Chat.Rooms;

/// <summary>
/// A room's id: lowercase <c>[a-z0-9_]{3,25}</c>. A channel's room is named by its streamer's username,
/// case-insensitively, so ids are normalized to lowercase.
/// </summary>
public sealed partial record RoomId(string Value)
{
    /// <summary>Parses a client-supplied room name; <see langword="null"/> when it is not a valid id.</summary>
    public static RoomId? TryParse(string? name)
    {
        if (name is null || name.Length is < 3 or > 25)
        {
            return null;
        }
        var lower = name.ToLowerInvariant();
        return ValidId().IsMatch(lower) ? new RoomId(lower) : null;
    }

    /// <summary>The DistributedPubSub topic the room publishes to.</summary>
    public string Topic => "room:" + Value;

    /// <inheritdoc />
    public override string ToString() => Value;

    [GeneratedRegex("^[a-z0-9_]{3,25}$", RegexOptions.CultureInvariant)]
    private static partial Regex ValidId();
}
