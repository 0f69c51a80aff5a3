using CommunityStream.BuildingBlocks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace CommunityStream.Media.Signalling;

/// <summary>The OpenAPI description WHIP and WHEP share: the 201's headers and the session resource's PATCH answers.</summary>
internal static class SessionResourceDescription
{
    public static RouteHandlerBuilder WithSessionHeaders(this RouteHandlerBuilder builder) => builder
        .WithResponseHeader(StatusCodes.Status201Created, "Location", "The session resource: DELETE ends it, PATCH trickles candidates.")
        .WithResponseHeader(StatusCodes.Status201Created, "ETag", "The session's ICE state, for If-Match on PATCH.")
        .WithResponseHeader(StatusCodes.Status201Created, "Accept-Patch", "application/trickle-ice-sdpfrag")
        .WithResponseHeader(StatusCodes.Status201Created, "Link", "One rel=\"ice-server\" link per configured STUN/TURN server (Media:IceServers).");

    /// <summary>What <see cref="SessionResourceEndpoints.PatchAsync"/> answers (RFC 9725 §4.3).</summary>
    public static RouteHandlerBuilder ProducesTricklePatch(this RouteHandlerBuilder builder) => builder
        .Accepts<string>(SdpRequests.TrickleContentType)
        .Produces(StatusCodes.Status204NoContent)
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status412PreconditionFailed)
        .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
        .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
        .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
}
