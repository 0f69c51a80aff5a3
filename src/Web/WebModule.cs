using CommunityStream.Web.Assets;
using CommunityStream.Web.Emotes;
using CommunityStream.Web.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CommunityStream.Web;

/// <summary>
/// The browser app: the pages <c>/</c>, <c>/c/{channel}</c>, <c>/studio</c>, <c>/login</c>, <c>/signup</c> and
/// <c>/account</c>, their ES modules and CSS, and the emote set. It only serves files; the pages talk to the other
/// modules' public HTTP and WebSocket APIs like any other client.
/// </summary>
public static class WebModule
{
    public static IHostApplicationBuilder AddWebModule(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(_ => WebAssets.Load(typeof(WebModule).Assembly));
        builder.Services.AddSingleton<EmoteSet>();
        // A browser that navigates to an unknown address gets a page; every other 404 keeps the Host's problem body.
        builder.Services.AddOptions<StatusCodePagesOptions>().PostConfigure(options => options.HandleAsync = NotFoundPage.Wrap(options.HandleAsync));
        return builder;
    }

    public static IEndpointRouteBuilder MapWebApp(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPages();
        endpoints.MapAssets();
        endpoints.MapEmotes();
        return endpoints;
    }
}
