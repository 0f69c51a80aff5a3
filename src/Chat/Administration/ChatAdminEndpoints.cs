using System.Security.Claims;
using System.Text.Json;
using CommunityStream.BuildingBlocks;
using CommunityStream.Chat.Http;
using CommunityStream.Chat.Rooms;
using CommunityStream.Identity.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using static CommunityStream.Chat.Rooms.RoomReplies;

namespace CommunityStream.Chat.Administration;

/// <summary>
/// <c>rooms…</c> of the admin API (docs/chat.md, "Administration"), mapped by the Host inside its authenticated
/// <c>/admin/v1</c> group. Changes are the room's moderation commands sent with an admin identity named after the
/// caller, so members see the same <c>mod_event</c> frames as for a moderator's action.
/// </summary>
internal static class ChatAdminEndpoints
{
    private const int MaxPage = 100;

    public static void Map(IEndpointRouteBuilder admin)
    {
        var rooms = admin.MapGroup("rooms").WithTags("Admin: rooms");
        rooms.MapGet("", ListAsync)
            .WithName("AdminListRooms")
            .WithSummary("Rooms that exist, with members present now; live=true lists only rooms with members present.")
            .Produces<AdminRoomList>();
        rooms.MapGet("{room}", GetAsync)
            .WithName("AdminGetRoom")
            .WithSummary("A room's settings, moderation state, members present per node and offsets.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        rooms.MapGet("{room}/messages", MessagesAsync)
            .WithName("AdminGetRoomMessages")
            .WithSummary("History: the latest `limit` visible messages before `before`, oldest first (closed rooms too).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        rooms.MapPost("{room}/close", (string room, HttpContext context, ChatAdministration chat, CancellationToken ct) =>
                CloseAsync(room, context, chat, ct))
            .WithName("AdminCloseRoom")
            .WithSummary("Close a room: members get left/room_closed, joins and posts are refused until it is opened. Body: {\"reason\"?}.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        rooms.MapPost("{room}/open", (string room, HttpContext context, ChatAdministration chat, CancellationToken ct) =>
                ModerateAsync(room, context, chat, new ModerationRequest("open"), ct))
            .WithName("AdminOpenRoom")
            .WithSummary("Reopen a closed room.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        rooms.MapPost("{room}/bans", BanAsync)
            .WithName("AdminBanUser")
            .WithSummary("Ban a user from the room. Body: {\"user\", \"reason\"?} (the reason is logged).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        rooms.MapDelete("{room}/bans/{user}", (string room, string user, HttpContext context, ChatAdministration chat, CancellationToken ct) =>
                ModerateAsync(room, context, chat, new ModerationRequest("unban", User: user), ct))
            .WithName("AdminUnbanUser")
            .WithSummary("Lift a ban (and any timeout).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        rooms.MapPost("{room}/timeouts", TimeoutAsync)
            .WithName("AdminTimeOutUser")
            .WithSummary("Time a user out. Body: {\"user\", \"seconds\"} (1 to 1209600).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        rooms.MapPut("{room}/slow-mode", SlowModeAsync)
            .WithName("AdminSetSlowMode")
            .WithSummary("Set slow mode. Body: {\"seconds\"} (0 turns it off, at most 3600).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> ListAsync(bool? live, ChatAdministration chat, CancellationToken cancel) =>
        Results.Ok(new AdminRoomList(await chat.ListAsync(live ?? false, cancel)));

    private static async Task<IResult> GetAsync(string room, ChatAdministration chat, CancellationToken cancel)
    {
        if (RoomId.TryParse(room) is not { } id)
        {
            return NotFound(room);
        }
        var reply = await chat.AskAsync(new RoomCommands.GetAdminView(id), cancel);
        return reply is AdminView view
            ? Results.Ok(new
            {
                room = view.Room.Value,
                epoch = view.Epoch,
                latestOffset = view.Latest,
                firstRetainedOffset = view.FirstRetained,
                retained = view.Retained,
                owner = view.Owner,
                settings = view.Settings,
                closed = view.ClosedReason is not null,
                closedReason = view.ClosedReason,
                moderators = view.Moderators,
                banned = view.Banned,
                timeouts = view.Timeouts,
                presence = new { count = view.PresenceCount, byNode = view.PresenceByNode },
            })
            : Failure(reply, room);
    }

    private static async Task<IResult> MessagesAsync(string room, long? before, int? limit, HttpContext context, ChatAdministration chat, IDeletedAccounts deleted, CancellationToken cancel)
    {
        if (RoomId.TryParse(room) is not { } id)
        {
            return NotFound(room);
        }
        if (limit is < 1 or > MaxPage)
        {
            return Problems.Validation("limit", $"limit is 1 to {MaxPage}.");
        }
        if (before is < 1)
        {
            return Problems.Validation("before", "before is an offset of 1 or more.");
        }
        var reply = await chat.AskAsync(new RoomCommands.GetMessages(id, Admin(context), 0, before, limit ?? 50), cancel);
        return reply is Messages page
            ? Results.Ok(new
            {
                room = page.Room.Value,
                epoch = page.Epoch,
                latest = page.Latest,
                messages = page.Items.Select(m => new { offset = m.Offset, id = m.Id, author = MessageAuthor.Of(m, deleted), text = m.Text, time = m.Time }),
            })
            : Failure(reply, room);
    }

    private static async Task<IResult> CloseAsync(string room, HttpContext context, ChatAdministration chat, CancellationToken cancel)
    {
        var (body, error) = await JsonBody.ReadOptionalObjectAsync(context.Request, cancel);
        if (error is not null)
        {
            return error;
        }
        var reason = body is { } json && json.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
        return await ModerateAsync(room, context, chat, new ModerationRequest("close", Reason: reason), cancel);
    }

    private static async Task<IResult> BanAsync(string room, HttpContext context, ChatAdministration chat, CancellationToken cancel)
    {
        var (body, error) = await RequiredBodyAsync(context, cancel);
        if (body is not { } json)
        {
            return error!;
        }
        if (!json.TryGetProperty("user", out var user) || user.ValueKind != JsonValueKind.String)
        {
            return Problems.Validation("user", "user is a username.");
        }
        return await ModerateAsync(room, context, chat, new ModerationRequest("ban", User: user.GetString()), cancel);
    }

    private static async Task<IResult> TimeoutAsync(string room, HttpContext context, ChatAdministration chat, CancellationToken cancel)
    {
        var (body, error) = await RequiredBodyAsync(context, cancel);
        if (body is not { } json)
        {
            return error!;
        }
        if (!json.TryGetProperty("user", out var user) || user.ValueKind != JsonValueKind.String)
        {
            return Problems.Validation("user", "user is a username.");
        }
        if (!json.TryGetProperty("seconds", out var seconds) || !seconds.TryGetInt32(out var value) || value is < 1 or > RoomState.MaxTimeoutSeconds)
        {
            return Problems.Validation("seconds", $"seconds is 1 to {RoomState.MaxTimeoutSeconds}.");
        }
        return await ModerateAsync(room, context, chat, new ModerationRequest("timeout", User: user.GetString(), Seconds: value), cancel);
    }

    private static async Task<IResult> SlowModeAsync(string room, HttpContext context, ChatAdministration chat, CancellationToken cancel)
    {
        var (body, error) = await RequiredBodyAsync(context, cancel);
        if (body is not { } json)
        {
            return error!;
        }
        if (!json.TryGetProperty("seconds", out var seconds) || !seconds.TryGetInt32(out var value) || value is < 0 or > 3600)
        {
            return Problems.Validation("seconds", "seconds is 0 (off) to 3600.");
        }
        return await ModerateAsync(room, context, chat, new ModerationRequest("slow", Seconds: value), cancel);
    }

    private static async Task<IResult> ModerateAsync(string room, HttpContext context, ChatAdministration chat, ModerationRequest request, CancellationToken cancel)
    {
        if (RoomId.TryParse(room) is not { } id)
        {
            return NotFound(room);
        }
        if (request.User is not null && RoomId.TryParse(request.User) is null)
        {
            return Problems.Validation("user", "user is a username (3 to 25 letters, digits or underscores).");
        }
        return await chat.ModerateAsync(id, Admin(context), request, cancel) switch
        {
            Moderated moderated => Results.Ok(new { room = moderated.Room.Value, action = moderated.Action, user = request.User?.ToLowerInvariant(), seconds = request.Seconds }),
            var other => Failure(other, room),
        };
    }

    /// <summary>The caller as a room sees an administrator; its name is what members see as <c>by</c>.</summary>
    private static ChatUser Admin(HttpContext context)
    {
        var name = context.User.Identity?.Name ?? "admin";
        var id = Guid.TryParse(context.User.FindFirstValue("sub"), out var sub) ? sub : Guid.Empty;
        return new ChatUser(id, name, IsAdmin: true, IsSiteModerator: false);
    }

    private static async Task<(JsonElement? Body, IResult? Error)> RequiredBodyAsync(HttpContext context, CancellationToken cancel)
    {
        var (body, error) = await JsonBody.ReadOptionalObjectAsync(context.Request, cancel);
        return body is null && error is null
            ? (null, Problems.Status(StatusCodes.Status400BadRequest, "The request is invalid.", "A JSON object body is required."))
            : (body, error);
    }

    private static IResult Failure(object reply, string room) => reply switch
    {
        Rejected { Code: "room_not_found" } => NotFound(room),
        Rejected { Code: "forbidden" } rejected => Problems.Status(StatusCodes.Status409Conflict, "Not possible in this room.", rejected.Message),
        Rejected { Code: "unavailable" } rejected => Problems.Status(StatusCodes.Status503ServiceUnavailable, "The room is unavailable.", rejected.Message),
        Rejected rejected => Problems.Validation(rejected.Code, rejected.Message),
        _ => Problems.Status(StatusCodes.Status500InternalServerError, "Unexpected reply from the room."),
    };

    private static IResult NotFound(string room) => Problems.Status(StatusCodes.Status404NotFound, "No such room.", $"There is no room '{room}'.");
}

/// <summary><c>GET /admin/v1/rooms</c>.</summary>
internal sealed record AdminRoomList(IReadOnlyList<RoomListItem> Rooms);
