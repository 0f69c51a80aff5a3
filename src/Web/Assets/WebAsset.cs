namespace CommunityStream.Web.Assets;

/// <summary>One file the browser app serves, held in memory with its precompressed forms.</summary>
internal sealed record WebAsset(string Path, string ContentType, byte[] Identity, byte[] Brotli, byte[] Gzip, string ETag);
