using Microsoft.AspNetCore.Http;

namespace CommunityStream.Identity.Http;

/// <summary>The key for per-client limits. Behind a proxy the Host's forwarded-headers middleware sets RemoteIpAddress.</summary>
internal static class ClientAddress
{
    public static string Of(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
