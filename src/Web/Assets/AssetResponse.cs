using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace CommunityStream.Web.Assets;

/// <summary>Writes a <see cref="WebAsset"/>: the smallest encoding the client accepts, a validator, and the caching policy.</summary>
internal static class AssetResponse
{
    /// <summary>Fingerprinted files: the URL changes with the content, so caches may keep them for a year.</summary>
    public const string Immutable = "public, max-age=31536000, immutable";

    /// <summary>Pages: always revalidated (a 304 costs one round trip), so a new build is seen at the next load.</summary>
    public const string Revalidate = "no-cache";

    public static Task WriteAsync(HttpContext context, WebAsset asset, string cacheControl)
    {
        var response = context.Response;
        response.Headers.CacheControl = cacheControl;
        response.Headers.ETag = asset.ETag;
        response.Headers.Vary = HeaderNames.AcceptEncoding;
        response.Headers.XContentTypeOptions = "nosniff";
        if (context.Request.Headers.IfNoneMatch.Contains(asset.ETag))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        var (body, encoding) = Choose(context.Request.Headers.AcceptEncoding, asset);
        if (encoding is not null)
        {
            response.Headers.ContentEncoding = encoding;
        }
        response.ContentType = asset.ContentType;
        response.ContentLength = body.Length;
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : response.Body.WriteAsync(body).AsTask();
    }

    private static (byte[] Body, string? Encoding) Choose(StringValues acceptEncoding, WebAsset asset)
    {
        // q=0 means "not acceptable" (RFC 9110 §12.5.3): a proxy may refuse an encoding it cannot handle.
        if (!StringWithQualityHeaderValue.TryParseList(acceptEncoding, out var codings))
        {
            return (asset.Identity, null);
        }
        if (Accepts(codings, "br"))
        {
            return (asset.Brotli, "br");
        }
        return Accepts(codings, "gzip") ? (asset.Gzip, "gzip") : (asset.Identity, null);
    }

    private static bool Accepts(IList<StringWithQualityHeaderValue> codings, string coding) =>
        codings.Any(c => (c.Value.Equals(coding, StringComparison.OrdinalIgnoreCase) || c.Value.Equals("*", StringComparison.Ordinal))
            && (c.Quality ?? 1) > 0);
}
