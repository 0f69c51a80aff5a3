using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using Akka.Persistence.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using CommunityStream.Chat.Delivery;
using CommunityStream.Chat.Fanout;
using CommunityStream.Chat.Gateway;
using CommunityStream.Chat.Rooms;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CommunityStream.Chat.Administration;

/// <summary>A room in <c>GET /admin/v1/rooms</c>: members present now, cluster-wide.</summary>
internal sealed record RoomListItem(string Room, int Members);

/// <summary>
/// The operators' side of chat. Room changes go through the room's own moderation command with an admin identity
/// (<see cref="RoomState"/> decides, the actor persists and broadcasts), so they behave as a moderator's would. The
/// room catalogue is the journal itself (a room exists once its first event is stored); who is present comes from
/// every node's local subscriptions.
/// </summary>
internal sealed partial class ChatAdministration(
    ActorSystem system,
    IRequiredActor<RoomRegionMarker> region,
    IRequiredActor<LocalRoomsMarker> localRooms,
    IOptions<ChatOptions> options,
    ILogger<ChatAdministration> log)
{
    // The query side of Akka.Persistence.Sql, registered with the journal by the Host.
    private const string ReadJournal = "akka.persistence.query.journal.sql";
    private static readonly TimeSpan NodeTimeout = TimeSpan.FromSeconds(3);

    /// <summary>Rooms that exist (with <paramref name="liveOnly"/>: only those with members present now).</summary>
    public async Task<IReadOnlyList<RoomListItem>> ListAsync(bool liveOnly, CancellationToken cancel)
    {
        var present = await PresentAsync(cancel);
        IEnumerable<string> names = present.Keys;
        if (!liveOnly)
        {
            var journal = PersistenceQuery.Get(system).ReadJournalFor<ICurrentPersistenceIdsQuery>(ReadJournal);
            var ids = await journal.CurrentPersistenceIds()
                .Where(id => id.StartsWith("room-", StringComparison.Ordinal))
                .Select(id => id["room-".Length..])
                .RunWith(Sink.Seq<string>(), system.Materializer());
            names = names.Union(ids);
        }
        return [.. names.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(room => new RoomListItem(room, present.GetValueOrDefault(room)))];
    }

    /// <summary>Members present per room, summed over every Up node's local subscriptions.</summary>
    private async Task<Dictionary<string, int>> PresentAsync(CancellationToken cancel)
    {
        var cluster = Cluster.Get(system);
        var local = await localRooms.GetAsync(cancel);
        var asks = cluster.State.Members.Where(m => m.Status == MemberStatus.Up).Select(async member =>
        {
            try
            {
                return member.Address == cluster.SelfAddress
                    ? await local.Ask<LocalRoomsReport>(new LocalRoomsQuery(), NodeTimeout, cancel)
                    : await system.ActorSelection($"{member.Address}/user/{LocalRoomsActor.Name}").Ask<LocalRoomsReport>(new LocalRoomsQuery(), NodeTimeout, cancel);
            }
            catch (AskTimeoutException)
            {
                return null;
            }
        });
        var present = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var report in await Task.WhenAll(asks))
        {
            foreach (var room in report?.Rooms ?? [])
            {
                present[room.Room] = present.GetValueOrDefault(room.Room) + room.Members;
            }
        }
        return present;
    }

    /// <summary>Asks the room; a timeout becomes <c>unavailable</c>.</summary>
    public async Task<object> AskAsync(IRoomCommand command, CancellationToken cancel)
    {
        try
        {
            var actor = await region.GetAsync(cancel);
            return await RoomAsk.AskAsync(actor, command, repeatable: command is not RoomCommands.Moderate, TimeSpan.FromSeconds(options.Value.AskTimeoutSeconds));
        }
        catch (AskTimeoutException)
        {
            return new RoomReplies.Rejected("unavailable", "The room did not answer in time.");
        }
    }

    /// <summary>Runs a moderation action as <paramref name="admin"/> and logs who did what to which room.</summary>
    public Task<object> ModerateAsync(RoomId room, ChatUser admin, ModerationRequest request, CancellationToken cancel)
    {
        LogAction(log, admin.Name, request.Action, room.Value, request.User ?? "-");
        return AskAsync(new RoomCommands.Moderate(room, admin, request), cancel);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Admin {By}: {Action} in room {Room} (user {Target})")]
    private static partial void LogAction(ILogger logger, string by, string action, string room, string target);
}
