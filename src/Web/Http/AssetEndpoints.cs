using CommunityStream.Web.Assets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CommunityStream.Web.Http;

/// <summary><c>/assets/{build}/{path}</c>: the fingerprinted static files.</summary>
internal static class AssetEndpoints
{
    public static void MapAssets(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapMethods("/assets/{build}/{**path}", [HttpMethods.Get, HttpMethods.Head], Serve)
            .ExcludeFromDescription()
            .AllowAnonymous();

    private static Task Serve(HttpContext context, string build, string path, WebAssets assets)
    {
        // Another build's URL (a page loaded before a deploy, a node on another version) is a 404, never today's file
        // under yesterday's immutable name.
        if (!string.Equals(build, assets.BuildId, StringComparison.Ordinal) || !assets.TryGetFile(path, out var asset))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            context.Response.Headers.CacheControl = "no-store";
            return Task.CompletedTask;
        }
        context.Response.Headers["Cross-Origin-Resource-Policy"] = "same-origin";
        // Only matters when a file is opened as a document (an SVG can carry script): nothing runs, nothing loads.
        context.Response.Headers.ContentSecurityPolicy = SecurityHeaders.AssetPolicy;
        return AssetResponse.WriteAsync(context, asset, AssetResponse.Immutable);
    }
}
