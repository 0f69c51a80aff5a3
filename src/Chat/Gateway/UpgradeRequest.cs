using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using CommunityStream.BuildingBlocks;
using Microsoft.AspNetCore.WebUtilities;

namespace CommunityStream.Chat.Gateway;

/// <summary>
/// A plain <c>GET /ws</c> WebSocket upgrade (RFC 6455 §4.2.1) read straight from a connection's first bytes,
/// so <see cref="ChatSocketConnectionMiddleware"/> can accept it without an HTTP request context. Anything it is
/// not sure of (another path or method, a body, folded or duplicate headers, a sub-protocol) is left to HTTP.
/// </summary>
internal sealed record UpgradeRequest(string Key, string? Token, int HeadLength, string? ForwardedFor = null)
{
    /// <summary>Longest request head looked at; longer ones go to HTTP (which allows 32 KiB).</summary>
    public const int MaxHeadBytes = 8 * 1024;

    // Visible ASCII, space, tab and line ends; anything else (obs-text, control bytes) goes to HTTP.
    private static readonly SearchValues<char> HeadChars =
        SearchValues.Create("\t\r\n" + new string([.. Enumerable.Range(0x20, 0x7f - 0x20).Select(c => (char)c)]));

    private static ReadOnlySpan<byte> Prefix => "GET /ws"u8;

    private static ReadOnlySpan<byte> EndOfHead => "\r\n\r\n"u8;

    public enum Verdict
    {
        /// <summary>Not a request this path takes: hand the untouched bytes to HTTP.</summary>
        NotOurs,

        /// <summary>Could still be one: read more bytes.</summary>
        NeedMore,

        /// <summary>A complete upgrade request.</summary>
        Upgrade,
    }

    public static Verdict TryParse(ReadOnlySequence<byte> input, out UpgradeRequest? request)
    {
        request = null;
        var prefixLength = (int)Math.Min(input.Length, Prefix.Length + 1);
        Span<byte> start = stackalloc byte[Prefix.Length + 1];
        input.Slice(0, prefixLength).CopyTo(start);
        if (!Prefix.StartsWith(start[..Math.Min(prefixLength, Prefix.Length)]))
        {
            return Verdict.NotOurs;
        }
        if (prefixLength <= Prefix.Length)
        {
            return Verdict.NeedMore;
        }
        if (start[Prefix.Length] is not ((byte)' ' or (byte)'?'))
        {
            return Verdict.NotOurs;
        }
        var reader = new SequenceReader<byte>(input);
        if (!reader.TryReadTo(out ReadOnlySequence<byte> head, EndOfHead))
        {
            return input.Length > MaxHeadBytes ? Verdict.NotOurs : Verdict.NeedMore;
        }
        if (head.Length > MaxHeadBytes)
        {
            return Verdict.NotOurs;
        }
        request = Parse(head, (int)reader.Consumed);
        return request is null ? Verdict.NotOurs : Verdict.Upgrade;
    }

    /// <summary>The <c>Sec-WebSocket-Accept</c> value for <see cref="Key"/> (RFC 6455 §4.2.2).</summary>
    public string AcceptKey() => AcceptKeyOf(Key);

    /// <summary>The <c>Sec-WebSocket-Accept</c> value for a request's <c>Sec-WebSocket-Key</c>.</summary>
    public static string AcceptKeyOf(string key)
    {
        // RFC 6455 mandates SHA-1 here; it proves the server speaks WebSocket, it is not security.
#pragma warning disable CA5350
        return Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
#pragma warning restore CA5350
    }

    private static UpgradeRequest? Parse(ReadOnlySequence<byte> head, int headLength)
    {
        var text = Encoding.Latin1.GetString(head);
        if (text.AsSpan().ContainsAnyExcept(HeadChars))
        {
            return null;
        }
        var lines = text.Split("\r\n");
        var requestLine = lines[0].Split(' ');
        if (requestLine is not ["GET", var target, "HTTP/1.1"])
        {
            return null;
        }
        var query = target.Length > 3 && target[3] == '?' ? target[3..] : null;
        if (target != "/ws" && query is null)
        {
            return null;
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.AsSpan(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            // Obsolete line folding, a header without a name or a repeated header: let HTTP judge it.
            if (colon <= 0 || line[0] is ' ' or '\t' || !headers.TryAdd(line[..colon], line[(colon + 1)..].Trim(' ', '\t')))
            {
                return null;
            }
        }
        if (!headers.ContainsKey("Host")
            || headers.ContainsKey("Content-Length") || headers.ContainsKey("Transfer-Encoding")
            || headers.ContainsKey("Sec-WebSocket-Protocol")
            || !HasToken(headers, "Upgrade", "websocket") || !HasToken(headers, "Connection", "upgrade")
            || headers.GetValueOrDefault("Sec-WebSocket-Version") != "13"
            || headers.GetValueOrDefault("Sec-WebSocket-Key") is not { } key || !IsNonce(key))
        {
            return null;
        }

        string? token = null;
        if (headers.TryGetValue("Authorization", out var authorization))
        {
            token = BearerToken.FromAuthorization(authorization);
        }
        if (token is null && query is not null)
        {
            var accessToken = QueryHelpers.ParseQuery(query)["access_token"].ToString();
            token = string.IsNullOrEmpty(accessToken) ? null : accessToken;
        }
        // Believed only when the TCP peer is a configured proxy (TrustedProxies); a repeated header went to HTTP above.
        return new UpgradeRequest(key, token, headLength, headers.GetValueOrDefault(TrustedProxies.ForwardedForHeader));
    }

    private static bool HasToken(Dictionary<string, string> headers, string name, string token) =>
        headers.TryGetValue(name, out var value)
        && value.Split(',').Any(part => part.Trim(' ', '\t').Equals(token, StringComparison.OrdinalIgnoreCase));

    // RFC 6455 §4.1: a base64-encoded 16-byte nonce.
    private static bool IsNonce(string key)
    {
        Span<byte> bytes = stackalloc byte[18];
        return key.Length == 24 && Convert.TryFromBase64String(key, bytes, out var written) && written == 16;
    }
}
