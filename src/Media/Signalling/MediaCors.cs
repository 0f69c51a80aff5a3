using Microsoft.AspNetCore.Cors.Infrastructure;

namespace CommunityStream.Media.Signalling;

/// <summary>
/// The CORS policy of the WHIP/WHEP endpoints: browser players on other origins must read <c>Location</c>,
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
        policy.WithMethods("GET", "POST", "PATCH", "DELETE", "OPTIONS")
            .WithHeaders("Authorization", "Content-Type", "If-Match")
            .WithExposedHeaders("Location", "ETag", "Link", "Accept-Patch", "Retry-After")
            .SetPreflightMaxAge(TimeSpan.FromHours(1));
    }
}
