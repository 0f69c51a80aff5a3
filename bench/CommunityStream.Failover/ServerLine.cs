using System.Text.Json;

namespace CommunityStream.Failover;

/// <summary>The fields of a server frame the bench reads (one JSON line of a possibly batched message).</summary>
internal sealed record ServerLine(string Type, string? Room, long? Offset, string? Text, string? ClientId, string? Code, string? Epoch, bool? Recovered, bool Duplicate, string? Ref, int? RetryAfterMs, IReadOnlyList<(long Offset, string Text)> Messages)
{
    public static ServerLine? Parse(string line)
    {
        try
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var type))
            {
                return null;
            }

            var messages = new List<(long, string)>();
            if (root.TryGetProperty("messages", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var m in list.EnumerateArray())
                {
                    messages.Add((m.GetProperty("offset").GetInt64(), m.TryGetProperty("text", out var t) ? t.GetString() ?? "" : ""));
                }
            }

            return new ServerLine(
                type.GetString() ?? "",
                Str(root, "room"),
                root.TryGetProperty("offset", out var o) && o.ValueKind == JsonValueKind.Number ? o.GetInt64() : null,
                Str(root, "text"),
                Str(root, "clientId"),
                Str(root, "code"),
                Str(root, "epoch"),
                root.TryGetProperty("recovered", out var r) && r.ValueKind is JsonValueKind.True or JsonValueKind.False ? r.GetBoolean() : null,
                root.TryGetProperty("duplicate", out var d) && d.ValueKind == JsonValueKind.True,
                Str(root, "ref"),
                root.TryGetProperty("retryAfterMs", out var ra) && ra.ValueKind == JsonValueKind.Number ? ra.GetInt32() : null,
                messages);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            return null;
        }
    }

    private static string? Str(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
