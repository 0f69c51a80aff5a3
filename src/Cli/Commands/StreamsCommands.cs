using System.CommandLine;
using System.Text.Json;
using CommunityStream.Cli.Output;

namespace CommunityStream.Cli.Commands;

/// <summary><c>csctl streams</c>: live video streams; an admin ends any of them.</summary>
internal static class StreamsCommands
{
    public static Command Create(CommandActions actions)
    {
        var streams = new Command("streams", "Live streams: list, inspect, end.");

        streams.Subcommands.Add(actions.Set(new Command("list", "Live streams cluster-wide, most viewers first."), async (_, session, ct) =>
            session.Write(await session.Client.GetAsync("streams", ct), (output, result) =>
                TableWriter.Write(output, ["CHANNEL", "TITLE", "NODE", "VIEWERS", "STARTED", "PRIVATE"], result.Items().Select(stream =>
                    (IReadOnlyList<string>)[stream.Str("channel"), stream.Str("title"), stream.Str("node"), stream.Str("viewers"), stream.Str("startedAt"), stream.Str("private")])))));

        var showChannel = ChannelArgument();
        streams.Subcommands.Add(actions.Set(new Command("show", "A stream's publisher, codecs, viewers per node, relays and quality.") { showChannel }, async (parse, session, ct) =>
            session.Write(await session.Client.GetAsync($"streams/{AdminClient.Segment(parse.GetValue(showChannel)!)}", ct), WriteStream)));

        var endChannel = ChannelArgument();
        streams.Subcommands.Add(actions.Set(new Command("end", "End a live stream: the publisher and viewers are closed, the room hears live:false.") { endChannel }, async (parse, session, ct) =>
            session.Write(await session.Client.PostAsync($"streams/{AdminClient.Segment(parse.GetValue(endChannel)!)}/end", new { }, ct), (output, result) =>
                output.WriteLine($"{result.Str("channel")}: ended"))));
        return streams;
    }

    private static Argument<string> ChannelArgument() => new("channel") { Description = "The channel (its owner's username)." };

    private static void WriteStream(TextWriter output, JsonElement stream)
    {
        TableWriter.WritePairs(output,
        [
            ("Channel", stream.Str("channel")),
            ("Title", stream.Str("title")),
            ("Live", stream.Str("live")),
            ("Private", stream.Str("private")),
            ("Node", stream.Str("node")),
            ("Session", stream.Str("sessionId")),
            ("Started", stream.Str("startedAt")),
            ("Heartbeat", stream.Str("lastHeartbeat")),
            ("Viewers", stream.Str("viewers")),
            ("By node", string.Join(", ", stream.Prop("viewersByNode").Items().Select(node => $"{node.Str("node")}: {node.Str("viewers")}"))),
            ("Relays", stream.Str("relays") is { Length: > 0 } relays ? relays : "none"),
            ("Tracks", string.Join(", ", stream.Prop("tracks").Items().Select(track => $"{track.Str("kind")} {track.Str("codec")}/{track.Str("clockRate")} pt {track.Str("payloadType")}"))),
            ("Quality", stream.Prop("quality").ValueKind == JsonValueKind.Object
                ? string.Join(", ", stream.Prop("quality").EnumerateObject().Select(q => $"{q.Name}={Json.Text(q.Value)}"))
                : ""),
        ]);
    }
}
