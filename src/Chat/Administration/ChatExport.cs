using Akka.Actor;
using Akka.Hosting;
using Akka.Persistence.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using CommunityStream.BuildingBlocks.Integration;
using CommunityStream.Chat.Gateway;
using CommunityStream.Chat.Rooms;
using Microsoft.Extensions.Options;

namespace CommunityStream.Chat.Administration;

/// <summary>
/// Chat's part of an account's data export (<see cref="IUserChatExport"/>). The room catalogue comes from the journal
/// (Akka.Persistence.Query, as for the admin room list); the messages come from each room, because a room snapshots
/// and prunes its journal, so its state (the retained history) is the only complete record of what it still stores.
/// Rooms are asked one after another for pages of the author's messages: at most
/// <see cref="IUserChatExport.MaximumMessages"/> messages and <see cref="TimeLimit"/> in all, a room that does not
/// answer is skipped; either marks the export truncated.
/// </summary>
internal sealed class ChatExport(ActorSystem system, IRequiredActor<RoomRegionMarker> region, IOptions<ChatOptions> options) : IUserChatExport
{
    public static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(30);

    // Small pages keep every reply far below the cluster's frame size.
    private const int PageSize = 200;
    private const string ReadJournal = "akka.persistence.query.journal.sql";
    private const string RoomPrefix = "room-";

    private readonly Lazy<IMaterializer> _materializer = new(() => system.Materializer(namePrefix: "chat-export"));

    public async Task<UserChatExport> ExportAsync(Guid userId, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(TimeLimit);
        var messages = new List<ExportedChatMessage>();
        var truncated = false;
        try
        {
            var actor = await region.GetAsync(limit.Token);
            var journal = PersistenceQuery.Get(system).ReadJournalFor<ICurrentPersistenceIdsQuery>(ReadJournal);
            var rooms = await journal.CurrentPersistenceIds()
                .Where(id => id.StartsWith(RoomPrefix, StringComparison.Ordinal))
                .Select(id => id[RoomPrefix.Length..])
                .RunWith(Sink.Seq<string>(), _materializer.Value)
                .WaitAsync(limit.Token);
            foreach (var name in rooms.Order(StringComparer.Ordinal))
            {
                if (RoomId.TryParse(name) is not { } room)
                {
                    continue;
                }
                var after = 0L;
                while (true)
                {
                    limit.Token.ThrowIfCancellationRequested();
                    object reply;
                    try
                    {
                        reply = await RoomAsk.AskAsync(actor, new RoomCommands.GetAuthorMessages(room, userId, after, PageSize), repeatable: true,
                            TimeSpan.FromSeconds(options.Value.AskTimeoutSeconds)).WaitAsync(limit.Token);
                    }
                    catch (AskTimeoutException)
                    {
                        truncated = true;
                        break;
                    }
                    if (reply is not RoomReplies.Messages page)
                    {
                        break; // e.g. the room's events were all deleted
                    }
                    foreach (var message in page.Items)
                    {
                        if (messages.Count == IUserChatExport.MaximumMessages)
                        {
                            return new UserChatExport(messages, true);
                        }
                        messages.Add(new ExportedChatMessage(room.Value, message.Offset, message.Id, message.Text, message.Time));
                    }
                    if (page.Items.Length < PageSize)
                    {
                        break;
                    }
                    after = page.Items[^1].Offset;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            truncated = true; // the time limit
        }
        return new UserChatExport(messages, truncated);
    }
}
