using System.Text.Json;

namespace CommunityStream.LoadGen;

/// <summary>Server frame types the generator reacts to (protocol v1, docs/chat-protocol.md).</summary>
internal enum ServerFrameType
{
    Other,
    Welcome,
    Joined,
    Message,
    Ack,
    Error,
    Presence,
    Pong,
    TokenExpiring,
}

/// <summary>
/// The top-level fields of one server JSON object that the generator needs, read with
/// <see cref="Utf8JsonReader"/> without materializing the object: nested objects and arrays (author,
/// history, settings) are skipped.
/// </summary>
internal ref struct ServerFrame
{
    public ServerFrameType Type;
    public long Offset;
    public bool HasOffset;
    public bool HasStamp;
    public MessageStamp Stamp;
    public string? Code;
    public bool Duplicate;

    public static bool TryParse(ReadOnlySpan<byte> json, out ServerFrame frame)
    {
        frame = default;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("type"u8))
                {
                    reader.Read();
                    frame.Type = TypeOf(ref reader);
                }
                else if (reader.ValueTextEquals("offset"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var offset))
                    {
                        frame.Offset = offset;
                        frame.HasOffset = true;
                    }
                }
                else if (reader.ValueTextEquals("text"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        frame.HasStamp = reader.ValueIsEscaped
                            ? MessageStamp.TryParse(System.Text.Encoding.UTF8.GetBytes(reader.GetString() ?? ""), out frame.Stamp)
                            : MessageStamp.TryParse(reader.ValueSpan, out frame.Stamp);
                    }
                }
                else if (reader.ValueTextEquals("duplicate"u8))
                {
                    reader.Read();
                    frame.Duplicate = reader.TokenType == JsonTokenType.True;
                }
                else if (reader.ValueTextEquals("code"u8))
                {
                    reader.Read();
                    frame.Code = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static ServerFrameType TypeOf(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            return ServerFrameType.Other;
        }

        if (reader.ValueTextEquals("message"u8))
        {
            return ServerFrameType.Message;
        }

        if (reader.ValueTextEquals("presence"u8))
        {
            return ServerFrameType.Presence;
        }

        if (reader.ValueTextEquals("ack"u8))
        {
            return ServerFrameType.Ack;
        }

        if (reader.ValueTextEquals("joined"u8))
        {
            return ServerFrameType.Joined;
        }

        if (reader.ValueTextEquals("welcome"u8))
        {
            return ServerFrameType.Welcome;
        }

        if (reader.ValueTextEquals("error"u8))
        {
            return ServerFrameType.Error;
        }

        if (reader.ValueTextEquals("pong"u8))
        {
            return ServerFrameType.Pong;
        }

        return reader.ValueTextEquals("token_expiring"u8) ? ServerFrameType.TokenExpiring : ServerFrameType.Other;
    }
}
