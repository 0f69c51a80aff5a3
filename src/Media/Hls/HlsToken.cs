using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CommunityStream.Media.Hls;

/// <summary>
/// The signed, expiring token of a private channel's HLS URLs: <c>{expiry}.{mac}</c>, where expiry is Unix seconds
/// and mac the first 128 bits of HMAC-SHA256(secret, channel + expiry), base64url. Checked with the node-shared
/// secret alone, no database call. The token sits in the path (<c>/hls/{channel}/{token}/index.m3u8</c>), so the
/// playlist's relative URIs carry it to every part without writing it into the playlist. Expiries are rounded up to
/// <see cref="Grid"/>, so every viewer issued a token in the same window gets the same one and a CDN caches one copy.
/// </summary>
internal sealed class HlsToken(byte[] secret)
{
    /// <summary>Expiries fall on this grid (shared tokens, shared cache entries).</summary>
    public static readonly TimeSpan Grid = TimeSpan.FromMinutes(5);

    private const int MacBytes = 16;

    public string Issue(string channel, DateTimeOffset now, TimeSpan lifetime)
    {
        var grid = (long)Grid.TotalSeconds;
        var expiry = ((now + lifetime).ToUnixTimeSeconds() + grid - 1) / grid * grid;
        return string.Create(CultureInfo.InvariantCulture, $"{expiry}.{Base64Url(Mac(channel, expiry))}");
    }

    /// <summary>True when <paramref name="token"/> was issued for <paramref name="channel"/> and has not expired.</summary>
    public bool Verify(string channel, string token, DateTimeOffset now)
    {
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || token.Length > 64
            || !long.TryParse(token.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var expiry)
            || expiry < now.ToUnixTimeSeconds())
        {
            return false;
        }
        // Compared as text: every 22-character string decodes, and several decode to the same bytes (base64's spare bits).
        var expected = Encoding.ASCII.GetBytes(Base64Url(Mac(channel, expiry)));
        var given = Encoding.ASCII.GetBytes(token[(dot + 1)..]);
        return given.Length == expected.Length && CryptographicOperations.FixedTimeEquals(given, expected);
    }

    private byte[] Mac(string channel, long expiry)
    {
        var name = Encoding.UTF8.GetBytes(channel);
        var message = new byte[name.Length + 1 + 8];
        name.CopyTo(message, 0);
        // A separator no channel name contains, so "ab"+1 and "a"+… never collide.
        message[name.Length] = 0;
        BinaryPrimitives.WriteInt64BigEndian(message.AsSpan(name.Length + 1), expiry);
        return HMACSHA256.HashData(secret, message)[..MacBytes];
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
