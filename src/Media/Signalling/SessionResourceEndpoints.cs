using Akka.Actor;
using CommunityStream.BuildingBlocks;
using CommunityStream.Media.Relay;
using CommunityStream.Media.Sessions;
using CommunityStream.Media.Streams;
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
    /// <summary>
    /// Answers a PATCH on <c>/{whip|whep}/{channel}/sessions/{id}</c>, for the publisher's session or a viewer's
    /// (<paramref name="publisher"/>), held by this node or another.
    /// </summary>
    public static async Task<IResult> PatchAsync(
        HttpContext context, string channel, string id, bool publisher, MediaSessions sessions, ActorSystem system, StreamingOptions options, CancellationToken cancel)
    {
        if (ChannelName.TryNormalize(channel) is not { } name)
        {
            return NoSuchSession();
        }
        // Only the session's ICE ufrag and ETag matter, wherever it lives.
        RelayMessages.SessionFound? session;
        if (sessions.Find(name, id, publisher) is { } local)
        {
            session = new RelayMessages.SessionFound(local.RemoteUfrag, local.ETag);
        }
        else
        {
            var answers = await OtherNodes.AskRelaysAsync(system, new RelayMessages.FindSession(name, id, publisher), cancel);
            session = answers.OfType<RelayMessages.SessionFound>().FirstOrDefault();
            if (session is null)
            {
                return answers.Any(a => a is null) ? Unanswered() : NoSuchSession();
            }
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

    public static IResult NoSuchSession() => Problems.Status(StatusCodes.Status404NotFound, "No such session.");

    /// <summary>A node that may hold the session did not answer in time.</summary>
    public static IResult Unanswered() => Problems.Status(StatusCodes.Status503ServiceUnavailable, "Another node did not answer; try again.");

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
