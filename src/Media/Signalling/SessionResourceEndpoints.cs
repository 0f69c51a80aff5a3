using CommunityStream.BuildingBlocks;
using CommunityStream.Media.Sessions;
using Microsoft.AspNetCore.Http;

namespace CommunityStream.Media.Signalling;

/// <summary>
/// What WHIP and WHEP share on a session resource: <c>PATCH</c> with a trickle-ICE fragment (RFC 9725 §4.3).
/// We are ICE-lite with host candidates, so trickled client candidates need no action (the client's checks reveal
/// its address) and are acknowledged with 204; an ICE restart (new ufrag) is not supported and gets 422, as the
/// RFC asks of a server that supports trickle but not restarts.
/// </summary>
internal static class SessionResourceEndpoints
{
    public static async Task<IResult> PatchAsync(HttpContext context, IMediaSession? session, StreamingOptions options, CancellationToken cancel)
    {
        if (session is null)
        {
            return Problems.Status(StatusCodes.Status404NotFound, "No such session on this server.");
        }
        var (fragment, problem) = await SdpRequests.ReadAsync(context.Request, SdpRequests.TrickleContentType, options.MaxSdpBytes, cancel);
        if (problem is not null)
        {
            return problem;
        }
        var ifMatch = context.Request.Headers.IfMatch.ToString();
        var ufrag = UfragOf(fragment!);
        if (ifMatch == "*" || (ufrag is not null && ufrag != session.RemoteUfrag))
        {
            return Problems.Status(StatusCodes.Status422UnprocessableEntity, "ICE restart is not supported.",
                "Create a new session with POST to restart (this server accepts trickled candidates, not new ICE credentials).");
        }
        if (ifMatch.Length > 0 && ifMatch != session.ETag)
        {
            return Problems.Status(StatusCodes.Status412PreconditionFailed, "The session's ICE state has changed.", $"Current ETag is {session.ETag}.");
        }
        return Results.NoContent();
    }

    private static string? UfragOf(string fragment)
    {
        foreach (var line in fragment.Split('\n'))
        {
            var trimmed = line.TrimEnd('\r');
            if (trimmed.StartsWith("a=ice-ufrag:", StringComparison.Ordinal))
            {
                return trimmed["a=ice-ufrag:".Length..].Trim();
            }
        }
        return null;
    }
}
