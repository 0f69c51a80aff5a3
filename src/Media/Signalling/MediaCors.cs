using Microsoft.AspNetCore.Cors.Infrastructure;

namespace CommunityStream.Media.Signalling;

/// <summary>
/// The CORS policy of the WHIP/WHEP and HLS endpoints: browser players on other origins must read <c>Location</c>,
/// <c>ETag</c> and <c>Link</c> from the 201, and send <c>Authorization</c> and <c>If-Match</c>.
/// </summary>
internal static class MediaCors
{
    public const string Policy = "media";

    public static void Configure(CorsPolicyBuilder policy, IReadOnlyCollection<string> origins)
    {
        if (origins.Contains("*"))
        {
            policy.AllowAnyOrigin();
        }
        else
        {
            policy.WithOrigins([.. origins]);
        }
        // HEAD and If-None-Match for HLS players; Age lets hls.js place a cached playlist in time (RFC 8216bis App. C).
        policy.WithMethods("GET", "HEAD", "POST", "PATCH", "DELETE", "OPTIONS")
            .WithHeaders("Authorization", "Content-Type", "If-Match", "If-None-Match")
            .WithExposedHeaders("Location", "ETag", "Link", "Accept-Patch", "Retry-After", "Age", "Content-Length")
            .SetPreflightMaxAge(TimeSpan.FromHours(1));
    }
}
