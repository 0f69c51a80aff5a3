using Microsoft.AspNetCore.Http;

namespace CommunityStream.BuildingBlocks;

/// <summary>The credential of an <c>Authorization: Bearer</c> header (an access token, or a WHIP stream key).</summary>
public static class BearerHeader
{
    public static string? Read(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && header.Length > 7 ? header[7..].Trim() : null;
    }
}
