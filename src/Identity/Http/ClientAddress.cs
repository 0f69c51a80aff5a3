using Microsoft.AspNetCore.Http;

namespace CommunityStream.Identity.Http;

/// <summary>The key for per-client limits. Behind a configured proxy (<c>Http:KnownProxies</c>) the Host's forwarded-headers middleware has set RemoteIpAddress to the client's.</summary>
internal static class ClientAddress
{
    public static string Of(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
