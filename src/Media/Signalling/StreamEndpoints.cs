using Akka.Hosting;
using CommunityStream.BuildingBlocks;
using CommunityStream.Identity.Contracts;
using CommunityStream.Media.Streams;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

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
            .WithSummary("A channel's stream: live or not, title, viewers, and the publisher's quality figures.")
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

    private static async Task<IResult> GetAsync(string channel, IUserDirectory users, IRequiredActor<StreamRegionMarker> region, CancellationToken cancel)
    {
        if (ChannelName.TryNormalize(channel) is not { } name || await users.FindByUsernameAsync(name, cancel) is not { Disabled: false } owner
            || !(owner.Roles.Contains(Roles.Streamer) || owner.Roles.Contains(Roles.Admin)))
        {
            return Problems.Status(StatusCodes.Status404NotFound, "No such channel.");
        }
        return await region.AskAsync(new StreamCommands.GetSummary(name), cancel) is StreamSummary summary
            ? Results.Ok(summary)
            : Problems.Status(StatusCodes.Status503ServiceUnavailable, "The stream service did not answer.");
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
