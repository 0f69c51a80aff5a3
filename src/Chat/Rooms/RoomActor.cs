using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using Akka.Persistence;
using CommunityStream.Chat.Telemetry;
using CommunityStream.Identity.Contracts;
using Microsoft.Extensions.Options;
using static CommunityStream.Chat.Rooms.RoomCommands;
using static CommunityStream.Chat.Rooms.RoomEvents;
using Info = CommunityStream.Chat.Rooms.RoomReplies.Info;
using Joined = CommunityStream.Chat.Rooms.RoomReplies.Joined;
using Rejected = CommunityStream.Chat.Rooms.RoomReplies.Rejected;

namespace CommunityStream.Chat.Rooms;

/// <summary>
/// The single writer of one room, a sharded entity persisted as <c>room-{id}</c>. It decides through
/// <see cref="RoomState"/>, persists, then replies and publishes each event once to <c>room:{id}</c>.
/// A channel room is created on first use when its owner is a streamer (or admin).
/// </summary>
internal sealed class RoomActor : ReceivePersistentActor, IWithTimers
{
    private readonly RoomId _id;
    private readonly IUserDirectory _directory;
    private readonly ChatOptions _options;
    private readonly PresenceTally _presence;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly IActorRef _mediator;
    private readonly ChatMetrics _metrics;
    private readonly DeferredReplies _replies = new();
    private static readonly Rejected Unavailable = new("unavailable", "The message could not be stored; safe to retry with the same clientId.");
    // Senders of decisions still being written, oldest first: told `unavailable` when the journal fails them.
    private readonly Queue<IActorRef> _awaitingDurability = new();
    private RoomState _state;
    private RoomState _decided;
    private (Create Command, IActorRef Sender)? _pendingCreate;
    private DateTime _notFoundUntil;
    private DateTime _ownerRetryAt;

    public RoomActor(string entityId, IUserDirectory directory, IOptions<ChatOptions> options)
        : this(entityId, directory, options, ChatMetrics.Unmetered)
    {
    }

    [Microsoft.Extensions.DependencyInjection.ActivatorUtilitiesConstructor]
    public RoomActor(string entityId, IUserDirectory directory, IOptions<ChatOptions> options, ChatMetrics metrics)
    {
        _metrics = metrics;
        _id = RoomId.TryParse(entityId) ?? throw new ArgumentException($"Invalid room id '{entityId}'.", nameof(entityId));
        _directory = directory;
        _options = options.Value;
        _presence = new PresenceTally(_options.MemberListThreshold);
        _state = RoomState.Empty(RoomLimits.From(_options));
        _decided = _state;
        _mediator = DistributedPubSub.Get(Context.System).Mediator;

        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is RoomSnapshot snapshot)
            {
                _state = RoomState.FromSnapshot(snapshot, _state.Limits);
            }
        });
        Recover<IRoomEvent>(e => _state = _state.Apply(e));
        Recover<RecoveryCompleted>(_ =>
        {
            _decided = _state;
            Context.SetReceiveTimeout(TimeSpan.FromSeconds(_options.PassivateAfterSeconds));
        });

        Ready();
    }

    public override string PersistenceId => "room-" + _id.Value;

    public ITimerScheduler Timers { get; set; } = null!;

    private void Ready()
    {
        Command<PresenceTick>(_ => OnPresenceTick());
        Command<ReportPresence>(OnReportPresence);
        Command<Create>(create => StartCreation(create));
        Command<IRoomCommand>(Handle);
        CommonCommands();
    }

    private void LookingUpOwner()
    {
        Command<PresenceTick>(_ => OnPresenceTick());
        Command<ReportPresence>(OnReportPresence);
        Command<OwnerLookedUp>(OnOwnerLookedUp);
        Command<IRoomCommand>(_ => Stash.Stash());
        CommonCommands();
    }

    private void CommonCommands()
    {
        Command<SaveSnapshotSuccess>(success =>
        {
            // Older snapshots and the events the snapshot covers are no longer needed, except the last one: a room with
            // no live journal row would vanish from the room list, which reads the journal's persistence ids.
            DeleteMessages(success.Metadata.SequenceNr - 1);
            DeleteSnapshots(new SnapshotSelectionCriteria(success.Metadata.SequenceNr - 1));
        });
        Command<SaveSnapshotFailure>(failure => _log.Warning(failure.Cause, "Room {0}: snapshot failed", _id));
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteMessagesFailure>(failure => _log.Warning(failure.Cause, "Room {0}: pruning events failed", _id));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(failure => _log.Warning(failure.Cause, "Room {0}: pruning snapshots failed", _id));
        Command<ReceiveTimeout>(_ => Context.Parent.Tell(new Passivate(PoisonPill.Instance)));
    }

    private void Handle(IRoomCommand command)
    {
        if (!_state.Exists)
        {
            if (command is ForgetAccounts || DateTime.UtcNow < _notFoundUntil)
            {
                Sender.Tell(new Rejected("room_not_found", "No such room."));
                return;
            }
            Stash.Stash();
            LookUpOwner();
            return;
        }
        if (_state.OwnerForgotten && command is not ForgetAccounts && DateTime.UtcNow >= _ownerRetryAt)
        {
            // The owner's account was deleted: the name's next holder owns the channel once it may (a streamer).
            _ownerRetryAt = DateTime.UtcNow + OwnerRetryInterval;
            Stash.Stash();
            LookUpOwner();
            return;
        }
        if (command is Post or Moderate or ForgetAccounts)
        {
            Decide(command);
            return;
        }
        // Queries read the durable state only: nobody sees a message before it is in the journal.
        Sender.Tell(_state.Process(command, DateTimeOffset.UtcNow).Reply switch
        {
            Joined joined => joined with { PresenceCount = _presence.Count },
            Info info => info with { PresenceCount = _presence.Count },
            RoomReplies.AdminView view => view with { PresenceCount = _presence.Count, PresenceByNode = _presence.ByNode() },
            var other => other,
        });
    }

    /// <summary>
    /// Writes are decided on <see cref="_decided"/>, which already holds the events still being written,
    /// so offsets keep increasing while the journal batches several writes (PersistAsync). Replies and
    /// broadcasts wait for durability; a reply with nothing to write waits for the writes before it
    /// (<see cref="DeferredReplies"/>, not DeferAsync), so a duplicate is never acknowledged before its
    /// original is durable.
    /// </summary>
    private void Decide(IRoomCommand command)
    {
        var decidedAt = 0L;
        if (_metrics.StagesEnabled)
        {
            decidedAt = Stopwatch.GetTimestamp();
            _metrics.ReachedRoom((command as Post)?.SentAt ?? 0);
        }
        var decision = _decided.Process(command, DateTimeOffset.UtcNow);
        var sender = Sender;
        if (decision.Events.Count == 0)
        {
            // A duplicate's ack waits for its original; if that write fails, the sender hears so now.
            _replies.Send(() => sender.Tell(decision.Reply), () => sender.Tell(Unavailable));
            return;
        }
        foreach (var @event in decision.Events)
        {
            _decided = _decided.Apply(@event);
        }
        var remaining = decision.Events.Count;
        _replies.Persisting(remaining);
        _awaitingDurability.Enqueue(sender);
        PersistAllAsync(decision.Events, persisted =>
        {
            _state = _state.Apply(persisted);
            // Durable: acknowledge first (then the replies that waited for this event), then tell everyone.
            _metrics.Persisted(decidedAt);
            if (--remaining == 0)
            {
                _awaitingDurability.Dequeue();
                sender.Tell(decision.Reply);
            }
            _replies.Persisted();
            Publish(persisted);
            MaybeSnapshot();
        });
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        // The journal failed the write (its transaction did not commit): nothing of it is acknowledged, and the
        // writers hear so now rather than at their ask timeout. The actor then stops and recovers from the journal.
        AnswerWaitingUnavailable();
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        // Later decisions built on the rejected event: start over from the journal rather than leave a hole. Its
        // sender and those after it are answered now, not at their ask timeout.
        AnswerWaitingUnavailable();
        base.OnPersistRejected(cause, @event, sequenceNr);
        Context.Stop(Self);
    }

    private void AnswerWaitingUnavailable()
    {
        while (_awaitingDurability.TryDequeue(out var waiting))
        {
            waiting.Tell(Unavailable);
        }
        _replies.Abandon();
    }

    private void StartCreation(Create create)
    {
        if (_state.Exists)
        {
            Sender.Tell(new Rejected("room_exists", "The room already exists."));
            return;
        }
        _pendingCreate = (create, Sender);
        LookUpOwner();
    }

    private void LookUpOwner()
    {
        Become(LookingUpOwner);
        _directory.FindByUsernameAsync(_id.Value, CancellationToken.None)
            .PipeTo(Self, success: user => new OwnerLookedUp(user, null), failure: ex => new OwnerLookedUp(null, ex));
    }

    private void OnOwnerLookedUp(OwnerLookedUp result)
    {
        if (_state.Exists)
        {
            ReclaimOwner(result);
            return;
        }
        var create = _pendingCreate;
        _pendingCreate = null;
        RoomCreated? created = null;
        var now = DateTimeOffset.UtcNow;
        if (result.Failure is not null)
        {
            _log.Warning(result.Failure, "Room {0}: owner look-up failed", _id);
            create?.Sender.Tell(new Rejected("unavailable", "The user directory is unavailable."));
        }
        else if (result.User is { } user && RoomState.MayOwnChannel(user.Username, user.Disabled, user.Roles))
        {
            created = new RoomCreated(NewEpoch(), user.Id, user.Username, AnonymousRead: true, _options.DefaultRetention, now);
            create?.Sender.Tell(new Rejected("room_exists", "The name is a streamer's channel."));
        }
        else if (create is { } pending && result.User is null)
        {
            created = new RoomCreated(NewEpoch(), null, null, pending.Command.AnonymousRead, _options.DefaultRetention, now);
        }
        else
        {
            create?.Sender.Tell(new Rejected("room_exists", "The name belongs to an account."));
        }

        Become(Ready);
        if (created is null)
        {
            // Do not look the name up again for every command of a flood.
            _notFoundUntil = DateTime.UtcNow.AddSeconds(2);
            Stash.UnstashAll();
            return;
        }
        Persist(created, persisted =>
        {
            _state = _state.Apply(persisted);
            _decided = _state;
            if (create is { } pending && persisted.OwnerId is null)
            {
                pending.Sender.Tell(new Info(_id, _state.Epoch, 0, 0, _state.Settings, null, []));
            }
            Stash.UnstashAll();
        });
    }

    private void ReclaimOwner(OwnerLookedUp result)
    {
        Become(Ready);
        if (result.Failure is not null)
        {
            _log.Warning(result.Failure, "Room {0}: owner look-up failed", _id);
        }
        if (result.User is not { } user || !RoomState.MayOwnChannel(user.Username, user.Disabled, user.Roles) || !_state.OwnerForgotten)
        {
            Stash.UnstashAll();
            return;
        }
        var assigned = new OwnerAssigned(user.Id, user.Username, DateTimeOffset.UtcNow);
        _decided = _decided.Apply(assigned);
        Persist(assigned, persisted =>
        {
            _state = _state.Apply(persisted);
            Stash.UnstashAll();
            MaybeSnapshot();
        });
    }

    /// <summary>
    /// No timer per room while nobody reports: a change publishes within a second (at most once a second), and while
    /// any node reports, silent ones are looked for every <see cref="PresenceTally.Expiry"/>. Heartbeats only refresh.
    /// </summary>
    private void OnReportPresence(ReportPresence report)
    {
        if (_presence.Report(report.Node, report.Count, report.Members, DateTime.UtcNow) && !Timers.IsTimerActive("presence"))
        {
            Timers.StartSingleTimer("presence", PresenceTick.Instance, TimeSpan.FromSeconds(1));
        }
        if (_presence.Any && !Timers.IsTimerActive("presence-expiry"))
        {
            Timers.StartPeriodicTimer("presence-expiry", PresenceTick.Instance, PresenceTally.Expiry);
        }
    }

    private void OnPresenceTick()
    {
        if (_presence.Tick(DateTime.UtcNow) is { } presence)
        {
            _mediator.Tell(new Publish(_id.Topic, new RoomBroadcasts.PresenceBroadcast(_id, presence.Count, presence.Members)));
        }
        if (!_presence.Any)
        {
            Timers.Cancel("presence-expiry");
        }
    }

    private void Publish(IRoomEvent @event)
    {
        IRoomBroadcast? broadcast = @event switch
        {
            MessagePosted posted => new RoomBroadcasts.MessageBroadcast(_id, _state.Epoch, posted.Message, DateTime.UtcNow.Ticks),
            IModerationEvent moderation => new RoomBroadcasts.ModerationBroadcast(_id, moderation),
            _ => null,
        };
        if (broadcast is not null)
        {
            _mediator.Tell(new Publish(_id.Topic, broadcast));
        }
    }

    private void MaybeSnapshot()
    {
        if (LastSequenceNr % _options.SnapshotEvery == 0)
        {
            SaveSnapshot(_state.ToSnapshot());
        }
    }

    /// <summary>How often an ownerless channel room (its owner deleted) looks its name up again, at most.</summary>
    private static readonly TimeSpan OwnerRetryInterval = TimeSpan.FromSeconds(5);

    // Short and random: names this room's history; a new one would mean history was lost.
    private static string NewEpoch() => "e-" + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray().AsSpan(0, 4));

    private sealed record OwnerLookedUp(UserSummary? User, Exception? Failure) : INoSerializationVerificationNeeded;

    private sealed class PresenceTick : INotInfluenceReceiveTimeout, INoSerializationVerificationNeeded
    {
        public static readonly PresenceTick Instance = new();
    }
}
