using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

namespace CommunityStream.BuildingBlocks;

/// <summary>
/// The Host tags every connection its admin listener accepts, so a module can tell the two listeners apart by the
/// connection a request arrived on, never by its Host header (which the caller writes).
/// </summary>
public static class AdminConnection
{
    /// <summary>The connection item the admin listener sets.</summary>
    public const string Tag = "CommunityStream.AdminListener";

    /// <summary>True when the request came in through a connection the admin listener accepted.</summary>
    public static bool Is(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<IConnectionItemsFeature>()?.Items.ContainsKey(Tag) == true;
    }
}
