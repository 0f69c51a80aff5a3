namespace CommunityStream.Web.Assets;

/// <summary>
/// One file the browser app serves, held in memory with its precompressed forms. <paramref name="Hash"/> identifies
/// the content; each encoding is a different representation with its own entity tag (RFC 9110 §8.8.3).
/// </summary>
internal sealed record WebAsset(string Path, string ContentType, byte[] Identity, byte[] Brotli, byte[] Gzip, string Hash)
{
    /// <summary>The strong entity tag of the representation in <paramref name="encoding"/> (null: identity).</summary>
    public string ETagOf(string? encoding) => encoding is null ? $"\"{Hash}\"" : $"\"{Hash}-{encoding}\"";
}
