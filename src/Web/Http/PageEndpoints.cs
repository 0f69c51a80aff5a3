using System.Text.RegularExpressions;
using CommunityStream.Web.Assets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CommunityStream.Web.Http;

/// <summary>The app's URLs (part of the product's contract) and the HTML shell each one serves.</summary>
internal static partial class PageEndpoints
{
    /// <summary>Route → page.</summary>
    public static readonly IReadOnlyDictionary<string, WebPage> Routes = new Dictionary<string, WebPage>
    {
        ["/"] = WebPage.Home,
        ["/c/{channel}"] = WebPage.Watch,
        ["/studio"] = WebPage.Studio,
        ["/login"] = WebPage.Login,
        ["/signup"] = WebPage.Signup,
        ["/account"] = WebPage.Account,
    };

    /// <summary>The page served with 404 for unknown addresses a browser navigates to (<see cref="NotFoundPage"/>).</summary>
    public static readonly string NotFound = WebPage.NotFound.Name;

    public static void MapPages(this IEndpointRouteBuilder endpoints)
    {
        foreach (var (route, page) in Routes)
        {
            endpoints.MapMethods(route, [HttpMethods.Get, HttpMethods.Head], (HttpContext context, WebAssets assets) => ServeAsync(context, assets, page.Name))
                .ExcludeFromDescription()
                .AllowAnonymous();
        }
    }

    private static Task ServeAsync(HttpContext context, WebAssets assets, string page)
    {
        // A watch page only for a name that can be a channel (Media's rule): /c/a%2Fb or /c/x is nobody's page.
        if (context.GetRouteValue("channel") is string channel && !ChannelPattern().IsMatch(channel))
        {
            NotFoundPage.Offer(context);
            return Task.CompletedTask;
        }
        if (!assets.TryGetPage(page, out var html))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }
        SecurityHeaders.ApplyToPage(context.Response);
        return AssetResponse.WriteAsync(context, html, AssetResponse.Revalidate);
    }

    [GeneratedRegex("^[A-Za-z0-9_]{3,25}$", RegexOptions.CultureInvariant)]
    private static partial Regex ChannelPattern();
}
