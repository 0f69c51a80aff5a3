using Microsoft.AspNetCore.Http;

namespace CommunityStream.BuildingBlocks;

/// <summary>The credential of an <c>Authorization: Bearer</c> header (an access token, or a WHIP stream key).</summary>
public static class BearerHeader
{
    public static string? Read(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Parse(request.Headers.Authorization.ToString());
    }

    /// <summary>The credential of an <c>Authorization</c> header value, or null when it is not <c>Bearer</c>.</summary>
    public static string? Parse(string? header) =>
        header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && header.Length > 7 ? header[7..].Trim() : null;
}
