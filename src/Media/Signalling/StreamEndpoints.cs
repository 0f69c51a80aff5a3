using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using CommunityStream.BuildingBlocks;
using CommunityStream.Identity.Contracts;
using CommunityStream.Media.Hls;
using CommunityStream.Media.Sessions;
using CommunityStream.Media.Streams;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace CommunityStream.Media.Signalling;

/// <summary><c>/api/streams</c>: the live streams, one channel's stream, and its settings (owner or admin).</summary>
internal static class StreamEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var streams = endpoints.MapGroup("/api/streams").WithTags("Media").RequireCors(MediaCors.Policy);
        streams.MapGet("/", (StreamDirectory directory) => Results.Ok(directory.Live(DateTimeOffset.UtcNow)))
            .WithName("ListStreams")
            .WithSummary("Live streams, most viewers first (this node's view, refreshed every 2 s).")
            .Produces<IReadOnlyList<StreamSummary>>();
        streams.MapGet("/{channel}", GetAsync)
            .WithName("GetStream")
            .WithSummary("A channel's stream: live or not, title, viewers, the publisher's quality figures, and while live its WHEP and LL-HLS URLs (a private channel's HLS URL, with its token, only for a signed-in viewer).")
            .WithSecurity(ApiDocumentation.BearerScheme, optional: true)
            .Produces<StreamSummary>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        streams.MapPatch("/{channel}", UpdateAsync)
            .WithName("UpdateStream")
            .WithSummary("Set the title or privacy of a channel (its owner or an admin).")
            .Accepts<StreamSettingsRequest>("application/json")
            .WithSecurity(ApiDocumentation.BearerScheme)
            .Produces<StreamSummary>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<IResult> GetAsync(
        string channel, HttpContext context, IUserDirectory users, IRequiredActor<StreamRegionMarker> region, ITokenValidator tokens,
        HlsChannels hls, HlsMirrors mirrors, HlsAccess access, MediaSessions sessions, IOptions<StreamingOptions> options, ActorSystem system,
        CancellationToken cancel)
    {
        if (ChannelName.TryNormalize(channel) is not { } name || await users.FindByUsernameAsync(name, cancel) is not { Disabled: false } owner
            || !(owner.Roles.Contains(Roles.Streamer) || owner.Roles.Contains(Roles.Admin)))
        {
            return Problems.Status(StatusCodes.Status404NotFound, "No such channel.");
        }
        if (await region.AskAsync(new StreamCommands.GetSummary(name), cancel) is not StreamSummary summary)
        {
            return Problems.Status(StatusCodes.Status503ServiceUnavailable, "The stream service did not answer.");
        }
        if (!summary.Live)
        {
            return Results.Ok(summary);
        }
        var playback = await HlsOfAsync(summary, hls, mirrors, options.Value.Hls.Enabled, Cluster.Get(system).SelfAddress.ToString(), cancel);
        if (playback.Available && summary.Private)
        {
            // As for WHEP: any signed-in user may watch a private channel; only they get its signed HLS URL.
            playback = BearerHeader.Read(context.Request) is { } token && await tokens.ValidateAccessTokenAsync(token, cancel) is not null
                ? playback with { Url = HlsAccess.PlaylistUrl(name, access.Issue(name)) }
                : playback with { Url = null, Reason = "This channel is private: send an access token ('Authorization: Bearer') for its signed HLS URL." };
        }
        return Results.Ok(summary with { Whep = $"/whep/{name}", Hls = playback, Playback = PlaybackFor(playback, sessions.Count, options.Value) });
    }

    /// <summary>"hls" once this node's WebRTC sessions reach the overflow threshold and the channel has HLS output.</summary>
    internal static string PlaybackFor(StreamHls hls, int sessions, StreamingOptions options)
    {
        var threshold = options.Hls.HlsOnlyFromSessions ?? options.MaxViewersPerNode * 9 / 10;
        return hls.Available && sessions >= threshold ? "hls" : "webrtc";
    }

    private static async Task<StreamHls> HlsOfAsync(StreamSummary summary, HlsChannels hls, HlsMirrors mirrors, bool enabled, string self, CancellationToken cancel)
    {
        if (!enabled)
        {
            return new StreamHls(false, null, "HLS is not enabled on this server.");
        }
        var url = HlsAccess.PlaylistUrl(summary.Channel, null);
        if (hls.Find(summary.Channel) is { } known)
        {
            return known.Window is not null ? new StreamHls(true, url, null) : new StreamHls(false, null, known.UnavailableReason);
        }
        if (summary.PublisherNode is not { } node || node == self)
        {
            return new StreamHls(false, null, "The stream has no HLS output.");
        }
        return await mirrors.StatusAsync(summary.Channel, node, cancel) switch
        {
            { Available: true } => new StreamHls(true, url, null),
            { } status => new StreamHls(false, null, status.Reason),
            null => new StreamHls(false, null, "The publisher's node did not answer."),
        };
    }

    private static async Task<IResult> UpdateAsync(string channel, StreamSettingsRequest? request, HttpContext context, ITokenValidator tokens, IRequiredActor<StreamRegionMarker> region, CancellationToken cancel)
    {
        if (BearerHeader.Read(context.Request) is not { } token || await tokens.ValidateAccessTokenAsync(token, cancel) is not { } user)
        {
            return Problems.Status(StatusCodes.Status401Unauthorized, "Sign in as the channel's owner or an administrator.");
        }
        var name = ChannelName.TryNormalize(channel);
        if (name is null || !(user.IsInRole(Roles.Admin) || (user.IsInRole(Roles.Streamer) && string.Equals(user.Username, name, StringComparison.OrdinalIgnoreCase))))
        {
            return Problems.Status(StatusCodes.Status403Forbidden, "Only the channel's owner or an administrator may change it.");
        }
        if (request is null)
        {
            return Problems.Validation("body", "Send {\"title\": \"...\", \"private\": false}.");
        }
        return await region.AskAsync(new StreamCommands.UpdateSettings(name, request.Title, request.Private), cancel) switch
        {
            StreamSummary summary => Results.Ok(summary),
            StreamReplies.Rejected { Code: "invalid_settings" } rejected => Problems.Validation("title", rejected.Message),
            _ => Problems.Status(StatusCodes.Status503ServiceUnavailable, "The stream service did not answer."),
        };
    }
}

/// <summary>Body of <c>PATCH /api/streams/{channel}</c>; absent fields stay as they are.</summary>
public sealed record StreamSettingsRequest(string? Title, bool? Private);
