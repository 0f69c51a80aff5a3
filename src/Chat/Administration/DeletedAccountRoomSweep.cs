using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using Akka.Persistence.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using CommunityStream.Chat.Gateway;
using CommunityStream.Chat.Rooms;
using CommunityStream.Identity.Contracts;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CommunityStream.Chat.Administration;

/// <summary>
/// Rooms key moderators, bans and timeouts by username, and Identity frees a deleted account's username after
/// <c>Identity:DeletedAccountGraceDays</c>: without this sweep, whoever registered the name next would inherit them.
/// Every <see cref="ChatOptions.DeletedAccountSweepSeconds"/> the oldest Up cluster member (one node at a time; the room
/// command is idempotent, so a handover that runs it twice changes nothing) asks Identity for deleted accounts whose
/// names are not freed yet, and sends every room in the journal (as <see cref="ChatExport"/> lists them) one
/// <see cref="RoomCommands.ForgetAccounts"/> with those it has not yet processed. Rooms are visited one after another,
/// within <see cref="TimeLimit"/>; accounts count as processed (in memory) only when every room answered, so a room that
/// did not is visited again at the next sweep. After a restart the accounts still awaiting release are visited again:
/// rooms that already forgot them write nothing.
/// </summary>
internal sealed partial class DeletedAccountRoomSweep(
    ActorSystem system,
    IRequiredActor<RoomRegionMarker> region,
    IDeletedAccounts deletedAccounts,
    IOptions<ChatOptions> options,
    TimeProvider time,
    ILogger<DeletedAccountRoomSweep> log) : BackgroundService
{
    public static readonly TimeSpan TimeLimit = TimeSpan.FromMinutes(5);

    // Keeps each command (and the events it may write) far below the cluster's frame size.
    private const int AccountsPerCommand = 100;
    private const string ReadJournal = "akka.persistence.query.journal.sql";
    private const string RoomPrefix = "room-";

    private readonly HashSet<Guid> _processed = [];
    private readonly SemaphoreSlim _running = new(1, 1);
    private readonly Lazy<IMaterializer> _materializer = new(() => system.Materializer(namePrefix: "deleted-account-sweep"));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(1, options.Value.DeletedAccountSweepSeconds)), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (!IsOldestMember())
                {
                    continue;
                }
                try
                {
                    await SweepAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogSweepFailed(log, ex);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The node is stopping.
        }
    }

    /// <summary>
    /// One sweep on this node, whether or not it is the oldest member: makes every room forget the deleted accounts
    /// not processed yet. Returns how many accounts it completed.
    /// </summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        await _running.WaitAsync(cancellationToken);
        try
        {
            var pending = (await deletedAccounts.ListNamesAwaitingReleaseAsync(cancellationToken))
                .Where(a => !_processed.Contains(a.UserId))
                .Select(a => new ForgottenAccount(a.UserId, a.Username))
                .ToArray();
            if (pending.Length == 0)
            {
                return 0;
            }
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(TimeLimit);
            var actor = await region.GetAsync(limit.Token);
            var journal = PersistenceQuery.Get(system).ReadJournalFor<ICurrentPersistenceIdsQuery>(ReadJournal);
            var rooms = await journal.CurrentPersistenceIds()
                .Where(id => id.StartsWith(RoomPrefix, StringComparison.Ordinal))
                .Select(id => id[RoomPrefix.Length..])
                .RunWith(Sink.Seq<string>(), _materializer.Value)
                .WaitAsync(limit.Token);
            var complete = true;
            foreach (var name in rooms.Order(StringComparer.Ordinal))
            {
                if (RoomId.TryParse(name) is not { } room)
                {
                    continue;
                }
                foreach (var batch in pending.Chunk(AccountsPerCommand))
                {
                    try
                    {
                        // Repeatable: a room that already forgot an account writes nothing for it.
                        await RoomAsk.AskAsync(actor, new RoomCommands.ForgetAccounts(room, batch), repeatable: true,
                            TimeSpan.FromSeconds(options.Value.AskTimeoutSeconds)).WaitAsync(limit.Token);
                    }
                    catch (AskTimeoutException)
                    {
                        complete = false;
                    }
                }
            }
            if (!complete)
            {
                LogIncomplete(log, pending.Length);
                return 0;
            }
            foreach (var account in pending)
            {
                _processed.Add(account.UserId);
            }
            LogForgotten(log, pending.Length, rooms.Count);
            return pending.Length;
        }
        finally
        {
            _running.Release();
        }
    }

    public override void Dispose()
    {
        _running.Dispose();
        base.Dispose();
    }

    private bool IsOldestMember()
    {
        var cluster = Cluster.Get(system);
        var up = cluster.State.Members.Where(m => m.Status == MemberStatus.Up).ToList();
        if (up.Count == 0)
        {
            return false;
        }
        var oldest = up.Aggregate((a, b) => b.IsOlderThan(a) ? b : a);
        return oldest.Address == cluster.SelfAddress;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Rooms forgot {Accounts} deleted accounts ({Rooms} rooms visited)")]
    private static partial void LogForgotten(ILogger logger, int accounts, int rooms);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Some rooms did not answer the deleted-account sweep for {Accounts} accounts; retrying at the next interval")]
    private static partial void LogIncomplete(ILogger logger, int accounts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deleted-account room sweep failed; retrying at the next interval")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
