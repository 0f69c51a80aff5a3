using System.Text.Json;
using System.Text.Unicode;
using CommunityStream.Chat.Rooms;

namespace CommunityStream.Chat.Gateway;

/// <summary>A parsed client frame of protocol v1; which fields are set depends on <see cref="Type"/>.</summary>
internal sealed record ClientFrame(string Type, string? Ref)
{
    public string? Room { get; init; }

    public string? Text { get; init; }

    public string? ClientId { get; init; }

    public int? History { get; init; }

    public RecoverPosition? Recover { get; init; }

    public ModerationRequest? Moderation { get; init; }

    public string? AccessToken { get; init; }
}

/// <summary>Why a frame could not be used: an error code of the protocol and a message.</summary>
internal sealed record FrameError(string Code, string Message, string? Ref = null);

/// <summary>Parses client frames with <see cref="JsonDocument"/>; invalid UTF-8 fails like invalid JSON.</summary>
internal static class ClientFrameParser
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 8 };

    public static (ClientFrame? Frame, FrameError? Error) Parse(ReadOnlyMemory<byte> utf8)
    {
        // The reader checks UTF-8 only lazily (a bad string throws when read): check the whole frame first.
        if (!Utf8.IsValid(utf8.Span))
        {
            return (null, new FrameError("bad_json", "The frame is not valid UTF-8."));
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8, Options);
        }
        catch (JsonException)
        {
            return (null, new FrameError("bad_json", "The frame is not valid JSON (or not valid UTF-8)."));
        }
        using (document)
        {
            try
            {
                return Interpret(document.RootElement);
            }
            catch (InvalidOperationException)
            {
                // Valid UTF-8 can still escape half a surrogate pair ("\ud800") in a value or a property name, which
                // I-JSON forbids (RFC 7493 §2.1): reading or matching that string throws, and that must not escape the
                // parser (it ended the connection with 1011 and an error in the log).
                return (null, new FrameError("bad_json", "The frame escapes half a UTF-16 surrogate pair."));
            }
        }
    }

    private static (ClientFrame? Frame, FrameError? Error) Interpret(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return (null, new FrameError("bad_frame", "A frame is a JSON object."));
        }
        // A `ref` that is not a string is ignored rather than refused: the error could not carry it anyway.
        var reference = root.TryGetProperty("ref", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
        if (!root.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String)
        {
            return (null, new FrameError("bad_frame", "`type` is required.", reference));
        }
        var frame = new ClientFrame(typeElement.GetString()!, reference);
        try
        {
            return frame.Type switch
            {
                "ping" => (frame, null),
                "join" => (frame with { Room = Required(root, "room"), History = Int(root, "history"), Recover = Recover(root) }, null),
                "leave" => (frame with { Room = Required(root, "room") }, null),
                "send" => (frame with { Room = Required(root, "room"), Text = Required(root, "text"), ClientId = ClientId(root) }, null),
                "mod" => (frame with { Room = Required(root, "room"), Moderation = Moderation(root) }, null),
                "refresh" => (frame with { AccessToken = Required(root, "accessToken") }, null),
                _ => (null, new FrameError("unknown_type", $"Unknown frame type `{Truncate(frame.Type)}`.", reference)),
            };
        }
        catch (InvalidFrameException ex)
        {
            return (null, new FrameError("bad_frame", ex.Message, reference));
        }
    }

    private static ModerationRequest Moderation(JsonElement root) => new(
        Required(root, "action"),
        String(root, "user"),
        Long(root, "offset"),
        Int(root, "seconds"),
        Bool(root, "enabled"),
        Bool(root, "anonymousRead"),
        Int(root, "historyRetention"));

    private static RecoverPosition? Recover(JsonElement root)
    {
        if (!root.TryGetProperty("recover", out var recover) || recover.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (recover.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidFrameException("`recover` is an object {epoch, offset}.");
        }
        return new RecoverPosition(Required(recover, "epoch"), Long(recover, "offset") ?? throw new InvalidFrameException("`recover.offset` is required."));
    }

    private static string? ClientId(JsonElement root)
    {
        var id = String(root, "clientId");
        return id is { Length: > 64 } ? throw new InvalidFrameException("`clientId` is at most 64 characters.") : id;
    }

    private static string Required(JsonElement root, string name) =>
        String(root, name) ?? throw new InvalidFrameException($"`{name}` is required.");

    private static string? String(JsonElement root, string name) =>
        !root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw new InvalidFrameException($"`{name}` must be a string.");

    private static long? Long(JsonElement root, string name) =>
        !root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number
        : throw new InvalidFrameException($"`{name}` must be an integer.");

    private static int? Int(JsonElement root, string name) =>
        !root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number
        : throw new InvalidFrameException($"`{name}` must be an integer.");

    private static bool? Bool(JsonElement root, string name) =>
        !root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean()
        : throw new InvalidFrameException($"`{name}` must be a boolean.");

    private static string Truncate(string value) => value.Length <= 32 ? value : value[..32];

    private sealed class InvalidFrameException(string message) : Exception(message);
}
