using CommunityStream.Web.Assets;
using CommunityStream.Web.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CommunityStream.Web.Emotes;

/// <summary>
/// <c>GET /api/emotes</c>: the emote set, <c>[{name, url}]</c>; the URLs are fingerprinted, the list changes per build.
/// <c>GET /emotes/{name}.svg</c>: the same image at a stable address, for clients that build URLs from names.
/// </summary>
internal static class EmoteEndpoints
{
    /// <summary>The stable address may serve an older image for this long after a release changed it.</summary>
    public const string StableCacheControl = "public, max-age=3600";

    public static void MapEmotes(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/emotes", (HttpContext context, EmoteSet emotes) =>
            {
                // The URLs name this build: a list cached across a deploy would point at files that are now 404s.
                context.Response.Headers.CacheControl = "no-cache";
                return Results.Ok(emotes.All);
            })
            .WithTags("Web")
            .WithSummary("The emote set: `:name:` in chat text is shown as the image at `url`.")
            .Produces<IReadOnlyList<Emote>>()
            .AllowAnonymous();

        endpoints.MapMethods("/emotes/{file}", [HttpMethods.Get, HttpMethods.Head], (HttpContext context, string file, WebAssets assets) =>
            {
                if (!file.EndsWith(".svg", StringComparison.Ordinal) || file.Contains('/', StringComparison.Ordinal)
                    || !assets.TryGetFile(EmoteSet.Folder + file, out var image))
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return Task.CompletedTask;
                }
                context.Response.Headers["Cross-Origin-Resource-Policy"] = "same-origin";
                context.Response.Headers.ContentSecurityPolicy = SecurityHeaders.AssetPolicy;
                return AssetResponse.WriteAsync(context, image, StableCacheControl);
            })
            .ExcludeFromDescription()
            .AllowAnonymous();
    }
}
