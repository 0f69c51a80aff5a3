using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace CommunityStream.BuildingBlocks;

/// <summary>
/// Responses that carry a credential (access or refresh token, stream key) or a user's private data must not be kept
/// by any cache: <c>Cache-Control: no-store</c> and, for HTTP/1.0 caches, <c>Pragma: no-cache</c> (RFC 6749 §5.1).
/// Set before the handler runs, so errors of the same endpoint carry them too.
/// </summary>
public static class NoStore
{
    public static RouteHandlerBuilder WithNoStore(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter(static (context, next) =>
        {
            var headers = context.HttpContext.Response.Headers;
            headers.CacheControl = "no-store";
            headers.Pragma = "no-cache";
            return next(context);
        });
}
