using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CommunityStream.Web.Emotes;

/// <summary><c>GET /api/emotes</c>: the emote set, <c>[{name, url}]</c>; the URLs are fingerprinted, the list changes per build.</summary>
internal static class EmoteEndpoints
{
    public static void MapEmotes(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/api/emotes", (HttpContext context, EmoteSet emotes) =>
            {
                context.Response.Headers.CacheControl = "public, max-age=300";
                return Results.Ok(emotes.All);
            })
            .WithTags("Web")
            .WithSummary("The emote set: `:name:` in chat text is shown as the image at `url`.")
            .Produces<IReadOnlyList<Emote>>()
            .AllowAnonymous();
}
