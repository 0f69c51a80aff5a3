using CommunityStream.Web.Assets;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace CommunityStream.Web.Http;

/// <summary>
/// A friendly "page not found" for a browser that navigates to an unknown address of the site. It wraps the Host's
/// status-code handler (which writes RFC 7807 problem bodies) and takes over only for a bare 404 to a GET or HEAD that
/// asks for HTML, matched no endpoint (or a page refused it), outside the API's paths: API clients, including
/// <c>fetch()</c> from the pages, keep their problem JSON.
/// </summary>
internal static class NotFoundPage
{
    private const string OfferedKey = "CommunityStream.Web.NotFoundPage";

    // The Host tags every connection of its admin listener with this item (Host's AdminListener; Web may not
    // reference Host). The admin listener serves no page, not even this one: AdminListenerTests fails if it does.
    private const string AdminConnectionTag = "CommunityStream.AdminListener";

    /// <summary>Paths that belong to APIs (and the asset store), never answered with a page.</summary>
    private static readonly string[] ApiPrefixes = ["/api", "/whip", "/whep", "/ws", "/admin", "/healthz", "/openapi", "/metrics", "/assets", "/emotes"];

    /// <summary>A page endpoint refuses its route values (an impossible channel name): 404, and the page may be shown.</summary>
    public static void Offer(HttpContext context)
    {
        context.Items[OfferedKey] = true;
        context.Response.StatusCode = StatusCodes.Status404NotFound;
    }

    /// <summary>Wraps <paramref name="inner"/>, the handler the Host configured.</summary>
    public static Func<StatusCodeContext, Task> Wrap(Func<StatusCodeContext, Task> inner) => status =>
    {
        var context = status.HttpContext;
        return Applies(context) && context.RequestServices.GetService(typeof(WebAssets)) is WebAssets assets
            && assets.TryGetPage(PageEndpoints.NotFound, out var page)
            ? WriteAsync(context, page)
            : inner(status);
    };

    private static bool Applies(HttpContext context)
    {
        var request = context.Request;
        if (context.Response.StatusCode != StatusCodes.Status404NotFound
            || !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
            || !(context.GetEndpoint() is null || context.Items.ContainsKey(OfferedKey))
            || context.Features.Get<IConnectionItemsFeature>()?.Items.ContainsKey(AdminConnectionTag) == true)
        {
            return false;
        }
        foreach (var prefix in ApiPrefixes)
        {
            if (request.Path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }
        return request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);
    }

    private static Task WriteAsync(HttpContext context, WebAsset page)
    {
        SecurityHeaders.ApplyToPage(context.Response);
        var coding = ContentCoding.Negotiate(context.Request.Headers.AcceptEncoding, page);
        var body = ContentCoding.Body(page, coding);
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.Vary = Microsoft.Net.Http.Headers.HeaderNames.AcceptEncoding;
        if (coding is not null)
        {
            context.Response.Headers.ContentEncoding = coding;
        }
        context.Response.ContentType = page.ContentType;
        context.Response.ContentLength = body.Length;
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : context.Response.Body.WriteAsync(body).AsTask();
    }
}
