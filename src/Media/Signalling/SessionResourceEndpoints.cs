using Akka.Actor;
using CommunityStream.BuildingBlocks;
using CommunityStream.Media.Relay;
using CommunityStream.Media.Sessions;
using Microsoft.AspNetCore.Http;

namespace CommunityStream.Media.Signalling;

/// <summary>
/// What WHIP and WHEP share on a session resource: <c>PATCH</c> with a trickle-ICE fragment (RFC 9725 §4.3).
/// We are ICE-lite with host candidates, so trickled client candidates need no action (the client's checks reveal
/// its address) and are acknowledged with 204; an ICE restart (new ufrag) is not supported and gets 422, as the
/// RFC asks of a server that supports trickle but not restarts. The answer needs only the session's ICE ufrag and
/// ETag, so a node without the session asks the others for them (a load balancer may send the PATCH anywhere).
/// </summary>
internal static class SessionResourceEndpoints
{
    public static async Task<IResult> PatchAsync(HttpContext context, SessionFacts? session, StreamingOptions options, CancellationToken cancel)
    {
        if (session is null)
        {
            return Problems.Status(StatusCodes.Status404NotFound, "No such session.");
        }
        if (ReferenceEquals(session, SessionFacts.Unknown))
        {
            return Problems.Status(StatusCodes.Status503ServiceUnavailable, "Another node did not answer; try again.");
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

    /// <summary>The session's facts from the node holding it; null when no node has it, <see cref="SessionFacts.Unknown"/> when one did not answer.</summary>
    public static async Task<SessionFacts?> FindElsewhereAsync(ActorSystem system, RelayMessages.FindSession find, CancellationToken cancel)
    {
        var answers = await OtherNodes.AskRelaysAsync(system, find, cancel);
        if (answers.OfType<RelayMessages.SessionFound>().FirstOrDefault() is { } found)
        {
            return new SessionFacts(found.RemoteUfrag, found.ETag);
        }
        return answers.Any(a => a is null) ? SessionFacts.Unknown : null;
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

/// <summary>What a PATCH needs to know about a session, wherever it lives.</summary>
internal sealed record SessionFacts(string RemoteUfrag, string ETag)
{
    /// <summary>A node that might hold the session did not answer.</summary>
    public static readonly SessionFacts Unknown = new("", "");

    public static SessionFacts Of(IMediaSession session) => new(session.RemoteUfrag, session.ETag);
}
