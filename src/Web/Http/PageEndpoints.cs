using CommunityStream.Web.Assets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CommunityStream.Web.Http;

/// <summary>The app's URLs (part of the product's contract) and the HTML shell each one serves.</summary>
internal static class PageEndpoints
{
    /// <summary>Route → page file (<c>Pages/{name}.html</c>).</summary>
    public static readonly IReadOnlyDictionary<string, string> Routes = new Dictionary<string, string>
    {
        ["/"] = "home",
        ["/c/{channel}"] = "watch",
        ["/studio"] = "studio",
        ["/login"] = "login",
        ["/signup"] = "signup",
        ["/account"] = "account",
    };

    public static void MapPages(this IEndpointRouteBuilder endpoints)
    {
        foreach (var (route, page) in Routes)
        {
            endpoints.MapMethods(route, [HttpMethods.Get, HttpMethods.Head], (HttpContext context, WebAssets assets) => ServeAsync(context, assets, page))
                .ExcludeFromDescription()
                .AllowAnonymous();
        }
    }

    private static Task ServeAsync(HttpContext context, WebAssets assets, string page)
    {
        if (!assets.TryGetPage(page, out var html))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }
        SecurityHeaders.ApplyToPage(context.Response);
        return AssetResponse.WriteAsync(context, html, AssetResponse.Revalidate);
    }
}
