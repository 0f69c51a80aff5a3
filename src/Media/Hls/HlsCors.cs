using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace CommunityStream.Media.Hls;

/// <summary>
/// CORS headers of every /hls response, with or without an <c>Origin</c> request header. ASP.NET Core's CORS
/// middleware answers only requests that carry <c>Origin</c> and sends no <c>Vary: Origin</c> for <c>*</c> or a
/// single origin, so a request without one (Safari's native player, ffmpeg, a CDN's prefetch) would put an object
/// without <c>Access-Control-Allow-Origin</c> into shared caches for a year, and browsers on other origins would then
/// be refused it. HLS objects are public (or carry their token in the path), so when any origin is allowed every
/// response says so; otherwise every response varies by <c>Origin</c>.
/// </summary>
internal static class HlsCors
{
    public static void Apply(HttpResponse response, bool anyOrigin, string exposedHeaders)
    {
        var headers = response.Headers;
        if (anyOrigin)
        {
            headers.AccessControlAllowOrigin = "*";
            headers.AccessControlExposeHeaders = exposedHeaders;
            return;
        }
        if (!headers.Vary.Any(v => v is not null && v.Split(',').Any(name => name.Trim().Equals(HeaderNames.Origin, StringComparison.OrdinalIgnoreCase))))
        {
            headers.Append(HeaderNames.Vary, HeaderNames.Origin);
        }
    }
}
