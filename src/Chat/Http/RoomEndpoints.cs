using Akka.Actor;
using Akka.Hosting;
using CommunityStream.BuildingBlocks;
using CommunityStream.Chat.Gateway;
using CommunityStream.Chat.Rooms;
using CommunityStream.Identity.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using static CommunityStream.Chat.Rooms.RoomReplies;

namespace CommunityStream.Chat.Http;

/// <summary><c>/api/rooms</c>: create a standalone room (admin), read a room and its history.</summary>
internal static class RoomEndpoints
{
    private const int MaxPage = 100;

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var rooms = endpoints.MapGroup("/api/rooms").WithTags("Chat");

        rooms.MapPost("/", CreateAsync)
            .RequireAuthorization(IdentityPolicies.Admin)
            .WithName("CreateRoom")
            .WithSummary("Create a standalone chat room (admin only).")
            .Accepts<CreateRoomRequest>("application/json")
            .Produces<RoomInfoResponse>(StatusCodes.Status201Created)
            .WithResponseHeader(StatusCodes.Status201Created, "Location", "The room: /api/rooms/{room}.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        // Both reads take an optional access token: rooms with anonymousRead answer without one.
        rooms.MapGet("/{room}", GetAsync)
            .WithName("GetRoom")
            .WithSummary("A room's settings, owner, moderators, latest offset and presence count.")
            .WithSecurity(ApiDocumentation.BearerScheme, optional: true)
            .Produces<RoomInfoResponse>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        rooms.MapGet("/{room}/messages", GetMessagesAsync)
            .WithName("GetRoomMessages")
            .WithSummary("A page of visible messages before an offset, oldest first.")
            .WithSecurity(ApiDocumentation.BearerScheme, optional: true)
            .Produces<RoomMessagesResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<IResult> CreateAsync(CreateRoomRequest? request, HttpContext context, ITokenValidator tokens, IRequiredActor<RoomRegionMarker> region, IOptions<ChatOptions> options, CancellationToken cancel)
    {
        if (RoomId.TryParse(request?.Name) is not { } room)
        {
            return Problems.Validation("name", "A room name is 3 to 25 letters, digits or underscores.");
        }
        var (admin, _) = await AuthenticateAsync(context, tokens, cancel);
        if (admin is null)
        {
            return Problems.Status(StatusCodes.Status401Unauthorized, "Sign in as an administrator.");
        }
        var reply = await AskAsync(region, new RoomCommands.Create(room, admin, request!.AnonymousRead ?? true), options, cancel);
        return reply switch
        {
            Info info => Results.Created($"/api/rooms/{room.Value}", RoomInfoResponse.From(info)),
            Rejected { Code: "room_exists" } rejected => Problems.Status(StatusCodes.Status409Conflict, "The room already exists.", rejected.Message),
            var other => Failure(other),
        };
    }

    private static async Task<IResult> GetAsync(string room, HttpContext context, ITokenValidator tokens, IRequiredActor<RoomRegionMarker> region, IOptions<ChatOptions> options, CancellationToken cancel)
    {
        if (RoomId.TryParse(room) is not { } id)
        {
            return NotFound();
        }
        var (user, invalid) = await AuthenticateAsync(context, tokens, cancel);
        if (invalid)
        {
            return Problems.Status(StatusCodes.Status401Unauthorized, "Invalid access token.");
        }
        var reply = await AskAsync(region, new RoomCommands.GetInfo(id, user), options, cancel);
        return reply is Info info ? Results.Ok(RoomInfoResponse.From(info)) : Failure(reply);
    }

    private static async Task<IResult> GetMessagesAsync(string room, long? before, int? limit, HttpContext context, ITokenValidator tokens, IDeletedAccounts deleted, IRequiredActor<RoomRegionMarker> region, IOptions<ChatOptions> options, CancellationToken cancel)
    {
        if (RoomId.TryParse(room) is not { } id)
        {
            return NotFound();
        }
        if (limit is < 1 or > MaxPage)
        {
            return Problems.Validation("limit", $"limit is 1 to {MaxPage}.");
        }
        var (user, invalid) = await AuthenticateAsync(context, tokens, cancel);
        if (invalid)
        {
            return Problems.Status(StatusCodes.Status401Unauthorized, "Invalid access token.");
        }
        var reply = await AskAsync(region, new RoomCommands.GetMessages(id, user, 0, before, limit ?? 50), options, cancel);
        return reply switch
        {
            Messages page => Results.Ok(RoomMessagesResponse.From(page, deleted)),
            Rejected { Code: "forbidden" } when user is null => Problems.Status(StatusCodes.Status401Unauthorized, "Sign in to read this room."),
            var other => Failure(other),
        };
    }

    private static async Task<(ChatUser? User, bool Invalid)> AuthenticateAsync(HttpContext context, ITokenValidator tokens, CancellationToken cancel)
    {
        if (BearerToken.From(context.Request) is not { } token)
        {
            return (null, false);
        }
        var user = await tokens.ValidateAccessTokenAsync(token, cancel);
        return user is null
            ? (null, true)
            : (new ChatUser(user.Id, user.Username, user.IsInRole(Roles.Admin), user.IsInRole(Roles.Moderator)), false);
    }

    private static async Task<object> AskAsync(IRequiredActor<RoomRegionMarker> region, IRoomCommand command, IOptions<ChatOptions> options, CancellationToken cancel)
    {
        try
        {
            var actor = await region.GetAsync(cancel);
            return await actor.Ask<object>(command, TimeSpan.FromSeconds(options.Value.AskTimeoutSeconds), cancel);
        }
        catch (AskTimeoutException)
        {
            return new Rejected("unavailable", "The room did not answer in time.");
        }
    }

    private static IResult Failure(object reply) => reply switch
    {
        Rejected { Code: "room_not_found" } => NotFound(),
        Rejected { Code: "forbidden" or "banned" } rejected => Problems.Status(StatusCodes.Status403Forbidden, "Not allowed.", rejected.Message),
        Rejected { Code: "unavailable" } rejected => Problems.Status(StatusCodes.Status503ServiceUnavailable, "The room is unavailable.", rejected.Message),
        Rejected rejected => Problems.Status(StatusCodes.Status400BadRequest, rejected.Code, rejected.Message),
        _ => Problems.Status(StatusCodes.Status500InternalServerError, "Unexpected reply from the room."),
    };

    private static IResult NotFound() => Problems.Status(StatusCodes.Status404NotFound, "No such room.");
}

/// <summary>The body of <c>POST /api/rooms</c>.</summary>
internal sealed record CreateRoomRequest(string? Name, bool? AnonymousRead);
