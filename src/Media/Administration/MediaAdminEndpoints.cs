using CommunityStream.BuildingBlocks;
using CommunityStream.Identity.Contracts;
using CommunityStream.Media.Streams;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CommunityStream.Media.Administration;

/// <summary>
/// <c>streams…</c> of the admin API (docs/media.md, "Administration"), mapped by the Host inside its authenticated
/// <c>/admin/v1</c> group: the live streams, one stream's details, and ending any stream.
/// </summary>
internal static class MediaAdminEndpoints
{
    public static void Map(IEndpointRouteBuilder admin)
    {
        var streams = admin.MapGroup("streams").WithTags("Admin: streams");
        streams.MapGet("", (MediaAdministration administration) => Results.Ok(administration.Live().Select(LiveStreamResponse.From)))
            .WithName("AdminListStreams")
            .WithSummary("Live streams cluster-wide (this node's directory, refreshed every 2 s), most viewers first.")
            .Produces<IReadOnlyList<LiveStreamResponse>>();
        streams.MapGet("{channel}", GetAsync)
            .WithName("AdminGetStream")
            .WithSummary("A channel's stream: publisher session, codecs, viewers per node, relays, quality and forwarding delay.")
            .Produces<StreamDetailsResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        streams.MapPost("{channel}/end", EndAsync)
            .WithName("AdminEndStream")
            .WithSummary("End a live stream wherever its publisher is: the publisher and its viewers are closed, the room gets stream live:false.")
            .Produces<EndStreamResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<IResult> GetAsync(string channel, IUserDirectory users, MediaAdministration administration, CancellationToken cancel)
    {
        if (await ChannelOf(channel, users, cancel) is not { } name)
        {
            return NoSuchChannel(channel);
        }
        return await administration.DetailsAsync(name, cancel) is { } found
            ? Results.Ok(StreamDetailsResponse.From(found.Details, found.Tracks))
            : Problems.Status(StatusCodes.Status503ServiceUnavailable, "The stream service did not answer.");
    }

    private static async Task<IResult> EndAsync(string channel, HttpContext context, IUserDirectory users, MediaAdministration administration, CancellationToken cancel)
    {
        if (await ChannelOf(channel, users, cancel) is not { } name)
        {
            return NoSuchChannel(channel);
        }
        var by = context.User.Identity?.Name ?? "unknown";
        return await administration.EndAsync(name, by, $"ended by administrator {by}", cancel) switch
        {
            EndStreamOutcome.Ended => Results.Ok(new EndStreamResponse(name, Ended: true)),
            EndStreamOutcome.NotLive => Problems.Status(StatusCodes.Status409Conflict, "The channel is not live.", $"'{name}' has no live stream."),
            _ => Problems.Status(StatusCodes.Status503ServiceUnavailable, "The publisher's node did not answer; try again."),
        };
    }

    /// <summary>The normalized channel when it names an account (disabled ones too: their stream may still be ending).</summary>
    private static async Task<string?> ChannelOf(string channel, IUserDirectory users, CancellationToken cancel) =>
        ChannelName.TryNormalize(channel) is { } name && await users.FindByUsernameAsync(name, cancel) is not null ? name : null;

    private static IResult NoSuchChannel(string channel) =>
        Problems.Status(StatusCodes.Status404NotFound, "No such channel.", $"'{channel}' is not an account's channel.");
}
