using Akka.Actor;
using Akka.Cluster;
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
/// WHIP ingest (RFC 9725): <c>POST /whip/{channel}</c> with the channel's stream key (OBS) or the owner's access token
/// (the browser studio) as bearer token starts the channel's stream; <c>DELETE</c> on the returned session, with either
/// credential, ends it; <c>PATCH</c> takes trickled
/// candidates. One publisher per channel: a second one gets 409 while the first is live.
/// </summary>
internal static class WhipEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var whip = endpoints.MapGroup("/whip").WithTags("Media").RequireCors(MediaCors.Policy).AllowAnonymous();
        whip.MapPost("/{channel}", PublishAsync)
            .WithName("WhipPublish")
            .WithSummary("Go live: an SDP offer (sendonly audio/video) with the stream key or the owner's access token as bearer token; 201 with the answer.")
            .Accepts<string>(SdpRequests.SdpContentType)
            .WithSecurity(ApiDocumentation.StreamKeyScheme)
            .WithSecurity(ApiDocumentation.BearerScheme)
            .Produces<string>(StatusCodes.Status201Created, SdpRequests.SdpContentType)
            .WithSessionHeaders()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        whip.MapDelete("/{channel}/sessions/{id}", StopAsync)
            .WithName("WhipStop")
            .WithSummary("End the stream (the stream key or the owner's access token); 200 once the session has ended.")
            .WithSecurity(ApiDocumentation.StreamKeyScheme)
            .WithSecurity(ApiDocumentation.BearerScheme)
            .Produces(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        whip.MapPatch("/{channel}/sessions/{id}", PatchAsync)
            .WithName("WhipPatch")
            .WithSummary("Trickle ICE candidates (204); ICE restart is 422.")
            .ProducesTricklePatch();
    }

    private static async Task<IResult> PublishAsync(
        string channel, HttpContext context, IUserDirectory users, IStreamKeyValidator keys, ITokenValidator tokens, MediaServer server,
        IRequiredActor<StreamRegionMarker> region, IRequiredActor<MediaFeedsMarker> feeds, ActorSystem system, IOptions<StreamingOptions> options, CancellationToken cancel)
    {
        using var activity = MediaActivities.StartOffer("media.whip.offer", channel);
        if (ChannelName.TryNormalize(channel) is not { } name)
        {
            return NoSuchChannel(channel);
        }
        if (BearerHeader.Read(context.Request) is not { } bearer)
        {
            return PublisherCredential.Unauthorized(context, "Send the channel's stream key or the owner's access token as 'Authorization: Bearer <credential>'.");
        }
        var owner = await users.FindByUsernameAsync(name, cancel);
        if (owner is null || owner.Disabled)
        {
            return NoSuchChannel(name);
        }
        // A stream key for a viewer's name: no such channel (as before access tokens were accepted); the owner's own
        // access token without the streamer role gets the 403 that says why.
        if (!PublisherCredential.IsStreamer(owner) && PublisherCredential.IsStreamKey(bearer))
        {
            return NoSuchChannel(name);
        }
        if (await PublisherCredential.RefuseAsync(context, name, owner, bearer, keys, tokens, cancel) is { } refused)
        {
            return refused;
        }
        var (offer, problem) = await SdpRequests.ReadAsync(context.Request, SdpRequests.SdpContentType, options.Value.MaxSdpBytes, cancel);
        if (problem is not null)
        {
            return problem;
        }

        var sessionId = MediaSessions.NewId();
        var node = Cluster.Get(system).SelfAddress.ToString();
        var startedAt = DateTimeOffset.UtcNow;
        ISessionTransport transport;
        SdpAnswer answer;
        try
        {
            (transport, answer) = server.Negotiate(offer!, AnswerMode.Receive);
        }
        catch (SdpParseException ex)
        {
            return Problems.Status(StatusCodes.Status400BadRequest, "The SDP offer cannot be used.", ex.Message);
        }

        var reply = await region.AskAsync(new StreamCommands.StartPublishing(name, sessionId, node, startedAt), cancel);
        if (reply is not StreamReplies.Accepted)
        {
            transport.Dispose();
            return reply is StreamReplies.Rejected { Code: "already_live" } rejected
                ? Problems.Status(StatusCodes.Status409Conflict, "The channel is already live.", rejected.Message)
                : Problems.Status(StatusCodes.Status503ServiceUnavailable, "The stream service did not answer.", (reply as StreamReplies.Rejected)?.Message);
        }

        // The session's owner registers the session and the channel's feed before it answers, so the Location below
        // answers at once; a stale feed of this channel on this node is closed by it.
        var streams = await region.GetAsync(cancel);
        var start = new SessionCommands.StartPublisher(sessionId, name, transport, PublishedTrack.From(answer), streams, node, startedAt, (ulong)options.Value.MaxPublishBitrate,
            ByAccessToken: !PublisherCredential.IsStreamKey(bearer));
        if (await SessionAsks.AskAsync(await feeds.GetAsync(cancel), start, cancel) is not SessionReplies.FeedStarted)
        {
            transport.Dispose();
            streams.Tell(new StreamCommands.StopPublishing(name, sessionId, "the session could not start"));
            return Problems.Status(StatusCodes.Status503ServiceUnavailable, "The stream service did not answer.", "The session could not start on this node.");
        }
        return SessionResponses.Created(context, $"/whip/{name}/sessions/{sessionId}", SessionResource.ETagOf(transport), answer.Sdp, options.Value);
    }

    private static async Task<IResult> StopAsync(
        string channel, string id, HttpContext context, IUserDirectory users, IStreamKeyValidator keys, ITokenValidator tokens, MediaSessions sessions,
        IRequiredActor<StreamRegionMarker> region, ActorSystem system, CancellationToken cancel)
    {
        var name = ChannelName.TryNormalize(channel);
        if (name is null || BearerHeader.Read(context.Request) is not { } bearer || await users.FindByUsernameAsync(name, cancel) is not { Disabled: false } owner)
        {
            return PublisherCredential.Unauthorized(context, "Ending a stream needs the channel's stream key or the owner's access token.");
        }
        if (await PublisherCredential.RefuseAsync(context, name, owner, bearer, keys, tokens, cancel) is { } refused)
        {
            return refused;
        }
        if (sessions.Find(name, id, publisher: true) is { } session)
        {
            // Answered once the session has ended: its viewers closed, the stream entity told.
            return await SessionAsks.CloseAsync(session.Owner, "deleted by the publisher", cancel) ? Results.Ok() : SessionResourceEndpoints.Unanswered();
        }
        // Behind a load balancer the DELETE may reach another node than the one holding the publisher's transport:
        // the stream's entity knows that node, whose relay actor ends the session.
        var self = Cluster.Get(system).SelfAddress.ToString();
        if (await region.AskAsync(new StreamCommands.GetSummary(name), cancel) is StreamSummary { PublisherNode: { } node } && node != self)
        {
            switch (await OtherNodes.AskRelayAsync(system, node, new RelayMessages.EndSession(name, id, Publisher: true), cancel))
            {
                case RelayMessages.SessionEnded:
                    return Results.Ok();
                case null:
                    return SessionResourceEndpoints.Unanswered();
            }
        }
        return SessionResourceEndpoints.NoSuchSession();
    }

    private static Task<IResult> PatchAsync(string channel, string id, HttpContext context, MediaSessions sessions, ActorSystem system, IOptions<StreamingOptions> options, CancellationToken cancel) =>
        SessionResourceEndpoints.PatchAsync(context, channel, id, publisher: true, sessions, system, options.Value, cancel);

    private static IResult NoSuchChannel(string channel) =>
        Problems.Status(StatusCodes.Status404NotFound, "No such channel.", $"'{channel}' is not a streamer's channel.");
}
