using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using CommunityStream.Cli.Output;

namespace CommunityStream.Cli.Commands;

/// <summary><c>csctl rooms</c>: chat rooms, their history and moderation as an administrator.</summary>
internal static class RoomsCommands
{
    public static Command Create(CommandActions actions)
    {
        var rooms = new Command("rooms", "Chat rooms: list, inspect, history, and moderation (close, ban, timeout, slow mode).");

        var live = new Option<bool>("--live") { Description = "Only rooms with members present now." };
        rooms.Subcommands.Add(actions.Set(new Command("list", "Rooms with the members present now.") { live }, async (parse, session, ct) =>
            session.Write(await session.Client.GetAsync(parse.GetValue(live) ? "rooms?live=true" : "rooms", ct), (output, result) =>
                TableWriter.Write(output, ["ROOM", "MEMBERS"], result.Prop("rooms").Items().Select(room =>
                    (IReadOnlyList<string>)[room.Str("room"), room.Str("members")])))));

        var showRoom = RoomArgument();
        rooms.Subcommands.Add(actions.Set(new Command("show", "A room's settings, moderation state and members per node.") { showRoom }, async (parse, session, ct) =>
            session.Write(await session.Client.GetAsync($"rooms/{Room(parse, showRoom)}", ct), WriteRoom)));

        var historyRoom = RoomArgument();
        var limit = new Option<int?>("--limit") { Description = "How many messages (1 to 100, default 50)." };
        var before = new Option<long?>("--before") { Description = "Only messages before this offset (to page back)." };
        rooms.Subcommands.Add(actions.Set(new Command("history", "The latest messages, oldest first (closed rooms too).") { historyRoom, limit, before }, async (parse, session, ct) =>
        {
            var query = new List<string>();
            if (parse.GetValue(limit) is { } l)
            {
                query.Add($"limit={l.ToString(CultureInfo.InvariantCulture)}");
            }
            if (parse.GetValue(before) is { } b)
            {
                query.Add($"before={b.ToString(CultureInfo.InvariantCulture)}");
            }
            var path = $"rooms/{Room(parse, historyRoom)}/messages" + (query.Count == 0 ? "" : "?" + string.Join('&', query));
            session.Write(await session.Client.GetAsync(path, ct), (output, result) =>
                TableWriter.Write(output, ["OFFSET", "TIME", "AUTHOR", "TEXT"], result.Prop("messages").Items().Select(message =>
                    (IReadOnlyList<string>)[message.Str("offset"), message.Str("time"), message.Prop("author").Str("name"), message.Str("text")])));
        }));

        var closeRoom = RoomArgument();
        var reason = new Option<string?>("--reason") { Description = "Shown to the members as the reason." };
        rooms.Subcommands.Add(actions.Set(new Command("close", "Close a room: members leave, joins and posts are refused until it is opened.") { closeRoom, reason }, async (parse, session, ct) =>
            session.Write(await session.Client.PostAsync($"rooms/{Room(parse, closeRoom)}/close", new { reason = parse.GetValue(reason) }, ct), Moderated)));

        var openRoom = RoomArgument();
        rooms.Subcommands.Add(actions.Set(new Command("open", "Reopen a closed room.") { openRoom }, async (parse, session, ct) =>
            session.Write(await session.Client.PostAsync($"rooms/{Room(parse, openRoom)}/open", new { }, ct), Moderated)));

        var banRoom = RoomArgument();
        var banUser = UserArgument();
        rooms.Subcommands.Add(actions.Set(new Command("ban", "Ban a user from a room.") { banRoom, banUser }, async (parse, session, ct) =>
            session.Write(await session.Client.PostAsync($"rooms/{Room(parse, banRoom)}/bans", new { user = parse.GetValue(banUser) }, ct), Moderated)));

        var unbanRoom = RoomArgument();
        var unbanUser = UserArgument();
        rooms.Subcommands.Add(actions.Set(new Command("unban", "Lift a user's ban (and timeout) in a room.") { unbanRoom, unbanUser }, async (parse, session, ct) =>
            session.Write(await session.Client.DeleteAsync($"rooms/{Room(parse, unbanRoom)}/bans/{AdminClient.Segment(parse.GetValue(unbanUser)!)}", ct), Moderated)));

        var timeoutRoom = RoomArgument();
        var timeoutUser = UserArgument();
        var timeoutSeconds = new Argument<int>("seconds") { Description = "How long, 1 to 1209600 (14 days)." };
        rooms.Subcommands.Add(actions.Set(new Command("timeout", "Time a user out in a room.") { timeoutRoom, timeoutUser, timeoutSeconds }, async (parse, session, ct) =>
            session.Write(await session.Client.PostAsync($"rooms/{Room(parse, timeoutRoom)}/timeouts", new { user = parse.GetValue(timeoutUser), seconds = parse.GetValue(timeoutSeconds) }, ct), Moderated)));

        var slowRoom = RoomArgument();
        var slowSeconds = new Argument<int>("seconds") { Description = "Seconds between a member's messages, 0 (off) to 3600." };
        rooms.Subcommands.Add(actions.Set(new Command("slow", "Set a room's slow mode.") { slowRoom, slowSeconds }, async (parse, session, ct) =>
            session.Write(await session.Client.PutAsync($"rooms/{Room(parse, slowRoom)}/slow-mode", new { seconds = parse.GetValue(slowSeconds) }, ct), Moderated)));
        return rooms;
    }

    private static Argument<string> RoomArgument() => new("room") { Description = "The room's name." };

    private static Argument<string> UserArgument() => new("user") { Description = "A username." };

    private static string Room(ParseResult parse, Argument<string> room) => AdminClient.Segment(parse.GetValue(room)!);

    private static void Moderated(TextWriter output, JsonElement result)
    {
        var detail = new[] { result.Str("user"), result.Str("seconds") is { Length: > 0 } seconds ? seconds + " s" : "" }.Where(part => part.Length > 0);
        output.WriteLine($"{result.Str("room")}: {result.Str("action")} {string.Join(" ", detail)}".TrimEnd());
    }

    private static void WriteRoom(TextWriter output, JsonElement room)
    {
        var presence = room.Prop("presence");
        var byNode = presence.Prop("byNode");
        TableWriter.WritePairs(output,
        [
            ("Room", room.Str("room")),
            ("Owner", room.Str("owner") is { Length: > 0 } owner ? owner : "-"),
            ("Closed", room.Prop("closed").ValueKind == JsonValueKind.True ? $"yes ({room.Str("closedReason")})" : "no"),
            ("Settings", room.Prop("settings").ValueKind == JsonValueKind.Object ? string.Join(", ", room.Prop("settings").EnumerateObject().Select(s => $"{s.Name}={Json.Text(s.Value)}")) : ""),
            ("Moderators", Listed(room.Prop("moderators"))),
            ("Banned", Listed(room.Prop("banned"))),
            ("Timeouts", Listed(room.Prop("timeouts"))),
            ("Present", presence.Str("count")),
            ("By node", byNode.ValueKind == JsonValueKind.Object ? string.Join(", ", byNode.EnumerateObject().Select(n => $"{n.Name}: {Json.Text(n.Value)}")) : Json.Text(byNode)),
            ("Offsets", $"latest {room.Str("latestOffset")}, first retained {room.Str("firstRetainedOffset")} ({room.Str("retained")} retained)"),
        ]);
    }

    private static string Listed(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Array => value.GetArrayLength() == 0 ? "none" : string.Join(", ", value.EnumerateArray().Select(item => item.ValueKind == JsonValueKind.Object
            ? string.Join(" ", item.EnumerateObject().Select(p => Json.Text(p.Value)))
            : Json.Text(item))),
        JsonValueKind.Object => string.Join(", ", value.EnumerateObject().Select(p => $"{p.Name} {Json.Text(p.Value)}")) is { Length: > 0 } text ? text : "none",
        _ => Json.Text(value),
    };
}
