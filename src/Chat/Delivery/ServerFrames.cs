using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using CommunityStream.Chat.Rooms;
using CommunityStream.Identity.Contracts;
using static CommunityStream.Chat.Rooms.RoomEvents;

namespace CommunityStream.Chat.Delivery;

/// <summary>
/// Server → client frames of protocol v1 (docs/chat-protocol.md), written straight to UTF-8 bytes.
/// Broadcast frames are built once per node and the same array is queued to every local socket.
/// </summary>
internal static class ServerFrames
{
    // Relaxed escaping keeps non-ASCII text readable and small; control characters (so `\n`) are still escaped.
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] Message(RoomId room, string epoch, ChatMessage message) => Write(w =>
    {
        w.WriteString("type", "message");
        w.WriteString("room", room.Value);
        w.WriteString("epoch", epoch);
        WriteMessageFields(w, message);
    });

    public static byte[] Moderation(RoomId room, IModerationEvent e) => Write(w =>
    {
        w.WriteString("type", "mod_event");
        w.WriteString("room", room.Value);
        switch (e)
        {
            case MessageDeleted d: w.WriteString("action", "delete"); w.WriteNumber("offset", d.Offset); break;
            case UserTimedOut t: w.WriteString("action", "timeout"); w.WriteString("user", t.User); w.WriteNumber("seconds", t.Seconds); break;
            case UserBanned b: w.WriteString("action", "ban"); w.WriteString("user", b.User); break;
            case UserUnbanned u: w.WriteString("action", "unban"); w.WriteString("user", u.User); break;
            case ChatCleared c: w.WriteString("action", "clear"); w.WriteNumber("offset", c.ThroughOffset); break;
            case SlowModeChanged s: w.WriteString("action", "slow"); w.WriteNumber("seconds", s.Seconds); break;
            case MembersOnlyChanged m: w.WriteString("action", "members_only"); w.WriteBoolean("enabled", m.Enabled); break;
            case EmoteOnlyChanged m: w.WriteString("action", "emote_only"); w.WriteBoolean("enabled", m.Enabled); break;
            case ModeratorAdded a: w.WriteString("action", "add_moderator"); w.WriteString("user", a.User); break;
            case ModeratorRemoved r: w.WriteString("action", "remove_moderator"); w.WriteString("user", r.User); break;
            case RoomClosed c: w.WriteString("action", "close"); w.WriteString("reason", c.Reason); break;
            case RoomReopened: w.WriteString("action", "open"); break;
            case SettingsChanged s:
                w.WriteString("action", "settings");
                w.WriteBoolean("anonymousRead", s.AnonymousRead);
                w.WriteNumber("historyRetention", s.HistoryRetention);
                break;
        }
        w.WriteString("by", e.By);
        w.WriteString("time", e.Time.UtcDateTime);
    });

    public static byte[] Presence(RoomId room, int count, string[]? members) => Write(w =>
    {
        w.WriteString("type", "presence");
        w.WriteString("room", room.Value);
        w.WriteNumber("count", count);
        if (members is not null)
        {
            w.WriteStartArray("members");
            foreach (var member in members)
            {
                w.WriteStringValue(member);
            }
            w.WriteEndArray();
        }
    });

    /// <summary>The channel's live stream started or ended (from the Media module's integration event).</summary>
    public static byte[] Stream(RoomId room, bool live, string title, DateTimeOffset at) => Write(w =>
    {
        w.WriteString("type", "stream");
        w.WriteString("room", room.Value);
        w.WriteBoolean("live", live);
        w.WriteString("title", title);
        w.WriteString("time", at.UtcDateTime);
    });

    /// <summary>The join answer; messages of accounts in <paramref name="deleted"/> show the deleted-author form.</summary>
    public static byte[] Joined(RoomReplies.Joined joined, string? reference, IDeletedAccounts? deleted = null) => Write(w =>
    {
        w.WriteString("type", "joined");
        w.WriteString("room", joined.Room.Value);
        w.WriteString("epoch", joined.Epoch);
        w.WriteNumber("offset", joined.Offset);
        w.WriteBoolean("recovered", joined.Recovered);
        w.WriteStartArray("messages");
        foreach (var message in joined.Messages)
        {
            w.WriteStartObject();
            WriteMessageFields(w, message, deleted);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartObject("presence");
        w.WriteNumber("count", joined.PresenceCount);
        w.WriteEndObject();
        w.WritePropertyName("settings");
        WriteSettings(w, joined.Settings);
        WriteRef(w, reference);
    });

    public static byte[] Ack(RoomReplies.Acked ack, string? reference) => Write(w =>
    {
        w.WriteString("type", "ack");
        w.WriteString("room", ack.Room.Value);
        if (ack.ClientId is null)
        {
            w.WriteNull("clientId");
        }
        else
        {
            w.WriteString("clientId", ack.ClientId);
        }
        w.WriteNumber("offset", ack.Offset);
        w.WriteBoolean("duplicate", ack.Duplicate);
        WriteRef(w, reference);
    });

    public static byte[] Error(string code, string message, string? reference, long? retryAfterMs = null) => Write(w =>
    {
        w.WriteString("type", "error");
        w.WriteString("code", code);
        w.WriteString("message", message);
        if (retryAfterMs is { } retry)
        {
            w.WriteNumber("retryAfterMs", retry);
        }
        WriteRef(w, reference);
    });

    public static byte[] Simple(string type, string? reference, string? room = null) => Write(w =>
    {
        w.WriteString("type", type);
        if (room is not null)
        {
            w.WriteString("room", room);
        }
        WriteRef(w, reference);
    });

    public static byte[] WithTime(string type, string field, DateTimeOffset time, string? reference = null) => Write(w =>
    {
        w.WriteString("type", type);
        w.WriteString(field, time.UtcDateTime);
        WriteRef(w, reference);
    });

    public static void WriteSettings(Utf8JsonWriter w, RoomSettings settings)
    {
        w.WriteStartObject();
        w.WriteNumber("slowSeconds", settings.SlowSeconds);
        w.WriteBoolean("membersOnly", settings.MembersOnly);
        w.WriteBoolean("emoteOnly", settings.EmoteOnly);
        w.WriteBoolean("anonymousRead", settings.AnonymousRead);
        w.WriteNumber("historyRetention", settings.HistoryRetention);
        w.WriteEndObject();
    }

    public static void WriteMessageFields(Utf8JsonWriter w, ChatMessage message, IDeletedAccounts? deleted = null)
    {
        w.WriteNumber("offset", message.Offset);
        w.WriteString("id", message.Id);
        w.WriteStartObject("author");
        if (deleted?.IsDeleted(message.AuthorId) == true)
        {
            // The owner deleted the account: neither the name nor the pseudonymous id is shown any more.
            w.WriteNull("id");
            w.WriteString("name", DeletedAuthor.Name);
            w.WriteBoolean("deleted", true);
        }
        else
        {
            w.WriteString("id", message.AuthorId);
            w.WriteString("name", message.AuthorName);
        }
        w.WriteEndObject();
        w.WriteString("text", message.Text);
        w.WriteString("time", message.Time.UtcDateTime);
    }

    private static void WriteRef(Utf8JsonWriter w, string? reference)
    {
        if (reference is not null)
        {
            w.WriteString("ref", reference);
        }
    }
}
