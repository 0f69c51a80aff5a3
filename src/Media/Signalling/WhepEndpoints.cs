using System.Security.Cryptography;
using Akka.Actor;
using Akka.Hosting;
using CommunityStream.BuildingBlocks;
using CommunityStream.Identity.Contracts;
using CommunityStream.Media.Forwarding;
using CommunityStream.Media.Relay;
using CommunityStream.Media.Sessions;
using CommunityStream.Media.Streams;
using CommunityStream.Media.Telemetry;
using CommunityStream.WebRtc.Sdp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace CommunityStream.Media.Signalling;

/// <summary>
/// WHEP playback (draft-ietf-wish-whep): <c>POST /whep/{channel}</c> with a recvonly offer returns the answer and a
/// session resource; <c>DELETE</c> on it stops watching. Public channels need no token; a private channel needs an
/// access token. The session URL itself is the viewer's capability (128 random bits); its DELETE and PATCH work on
/// any node.
/// </summary>
internal static class WhepEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var whep = endpoints.MapGroup("/whep").WithTags("Media").RequireCors(MediaCors.Policy).AllowAnonymous();
        whep.MapPost("/{channel}", WatchAsync)
            .WithName("WhepWatch")
            .WithSummary("Watch a live channel: an SDP offer (recvonly audio/video); 201 with the answer.")
            .Accepts<string>(SdpRequests.SdpContentType)
            .WithSecurity(ApiDocumentation.BearerScheme, optional: true)
            .Produces<string>(StatusCodes.Status201Created, SdpRequests.SdpContentType)
            .WithSessionHeaders()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithResponseHeader(StatusCodes.Status503ServiceUnavailable, "Retry-After", "Seconds to wait when the node is full (Media:MaxViewersPerNode).");
        // The session URL is the viewer's capability: no credential beyond it.
        whep.MapDelete("/{channel}/sessions/{id}", StopAsync)
            .WithName("WhepStop")
            .WithSummary("Stop watching; 200 once the session has ended.")
            .Produces(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        whep.MapPatch("/{channel}/sessions/{id}", PatchAsync)
            .WithName("WhepPatch")
            .WithSummary("Trickle ICE candidates (204); ICE restart is 422.")
            .ProducesTricklePatch();
    }

    private static async Task<IResult> WatchAsync(
        string channel, HttpContext context, ITokenValidator tokens, MediaServer server, MediaSessions sessions,
        IRequiredActor<StreamRegionMarker> region, RelayConnector relays, IOptions<StreamingOptions> options, CancellationToken cancel)
    {
        using var activity = MediaActivities.StartOffer("media.whep.offer", channel);
        if (ChannelName.TryNormalize(channel) is not { } name)
        {
            return Offline(channel);
        }
        var (offer, problem) = await SdpRequests.ReadAsync(context.Request, SdpRequests.SdpContentType, options.Value.MaxSdpBytes, cancel);
        if (problem is not null)
        {
            return problem;
        }
        var reply = await region.AskAsync(new StreamCommands.GetSummary(name), cancel);
        if (reply is not StreamSummary summary)
        {
            return Problems.Status(StatusCodes.Status503ServiceUnavailable, "The stream service did not answer.", (reply as StreamReplies.Rejected)?.Message);
        }
        if (!summary.Live)
        {
            return Offline(name);
        }
        if (summary.Private && (BearerHeader.Read(context.Request) is not { } token || await tokens.ValidateAccessTokenAsync(token, cancel) is null))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return Problems.Status(StatusCodes.Status401Unauthorized, "This channel is private.", "Send an access token as 'Authorization: Bearer <token>'.");
        }
        // The publisher may be on another node: the first viewer here opens this node's one relay from it. A feed
        // that ends while the viewer opens answers nothing; a relay that just closed for lack of viewers is opened
        // again once, a stream that ended is offline.
        for (var attempt = 0; ; attempt++)
        {
            if ((sessions.FindFeed(name) ?? await relays.ConnectAsync(name, summary.PublisherNode!, cancel)) is not { } feed)
            {
                return Problems.Status(StatusCodes.Status503ServiceUnavailable, "The stream cannot be relayed to this node.",
                    $"Its publisher's node {summary.PublisherNode} did not provide it; try again.");
            }
            if (sessions.Count >= options.Value.MaxViewersPerNode)
            {
                context.Response.Headers.RetryAfter = "10";
                return Problems.Status(StatusCodes.Status503ServiceUnavailable, "This server is full.", $"It serves at most {options.Value.MaxViewersPerNode} sessions (Media:MaxViewersPerNode).");
            }

            var ssrcs = new Dictionary<string, uint> { ["audio"] = RandomSsrc(), ["video"] = RandomSsrc() };
            ISessionTransport transport;
            SdpAnswer answer;
            try
            {
                (transport, answer) = server.Negotiate(offer!, AnswerMode.Send, ssrcs, feed.Tracks);
            }
            catch (SdpParseException ex)
            {
                return Problems.Status(StatusCodes.Status400BadRequest, "The SDP offer cannot be used.", ex.Message);
            }
            var id = MediaSessions.NewId();
            var open = new SessionCommands.OpenViewer(id, transport, new ViewerForwarder(transport.Sink, answer, feed.Tracks));
            if (await SessionAsks.OpenViewerAsync(feed, open, cancel))
            {
                return SessionResponses.Created(context, $"/whep/{name}/sessions/{id}", SessionResource.ETagOf(transport), answer.Sdp, options.Value);
            }
            if (!feed.Relayed || attempt > 0)
            {
                return Offline(name);
            }
        }
    }

    private static async Task<IResult> StopAsync(string channel, string id, MediaSessions sessions, ActorSystem system, CancellationToken cancel)
    {
        if (ChannelName.TryNormalize(channel) is not { } name)
        {
            return SessionResourceEndpoints.NoSuchSession();
        }
        if (sessions.Find(name, id, publisher: false) is { } session)
        {
            return await SessionAsks.CloseAsync(session.Owner, "deleted by the viewer", cancel) ? Results.Ok() : SessionResourceEndpoints.Unanswered();
        }
        // Behind a load balancer the DELETE may reach another node than the viewer's; nothing records which node
        // that is, so every other node is asked and the one holding the session ends it. DELETEs are rare.
        var answers = await OtherNodes.AskRelaysAsync(system, new RelayMessages.EndSession(name, id, Publisher: false), cancel);
        if (answers.Any(a => a is RelayMessages.SessionEnded))
        {
            return Results.Ok();
        }
        return answers.Any(a => a is null) ? SessionResourceEndpoints.Unanswered() : SessionResourceEndpoints.NoSuchSession();
    }

    private static Task<IResult> PatchAsync(string channel, string id, HttpContext context, MediaSessions sessions, ActorSystem system, IOptions<StreamingOptions> options, CancellationToken cancel) =>
        SessionResourceEndpoints.PatchAsync(context, channel, id, publisher: false, sessions, system, options.Value, cancel);

    private static uint RandomSsrc() => (uint)RandomNumberGenerator.GetInt32(1, int.MaxValue);

    private static IResult Offline(string channel) =>
        Problems.Status(StatusCodes.Status404NotFound, "The channel is not live.", $"'{channel}' has no live stream.");
}
