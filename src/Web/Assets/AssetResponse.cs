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
        var request = context.Request;
        var response = context.Response;
        var coding = ContentCoding.Negotiate(request.Headers.AcceptEncoding, asset);
        response.Headers.CacheControl = cacheControl;
        response.Headers.ETag = asset.ETagOf(coding);
        response.Headers.Vary = HeaderNames.AcceptEncoding;
        response.Headers.XContentTypeOptions = "nosniff";
        if (Matches(request.Headers.IfNoneMatch, asset))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        var body = ContentCoding.Body(asset, coding);
        if (coding is not null)
        {
            response.Headers.ContentEncoding = coding;
        }
        response.ContentType = asset.ContentType;
        response.ContentLength = body.Length;
        return HttpMethods.IsHead(request.Method) ? Task.CompletedTask : response.Body.WriteAsync(body).AsTask();
    }

    /// <summary>
    /// <c>If-None-Match</c> with weak comparison (RFC 9110 §13.1.2): any representation of this content, in any coding
    /// (they share the hash), or <c>*</c>.
    /// </summary>
    private static bool Matches(StringValues ifNoneMatch, WebAsset asset)
    {
        if (StringValues.IsNullOrEmpty(ifNoneMatch) || !EntityTagHeaderValue.TryParseList(ifNoneMatch, out var tags))
        {
            return false;
        }
        foreach (var tag in tags)
        {
            if (tag.Equals(EntityTagHeaderValue.Any))
            {
                return true;
            }
            var opaque = tag.Tag.AsSpan().Trim('"');
            var dash = opaque.IndexOf('-');
            if ((dash < 0 ? opaque : opaque[..dash]).Equals(asset.Hash, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }
}
