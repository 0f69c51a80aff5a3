using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using CommunityStream.BuildingBlocks.Integration;
using CommunityStream.Chat.Delivery;
using CommunityStream.Chat.Rooms;
using CommunityStream.Chat.Telemetry;
using static CommunityStream.Chat.Rooms.RoomBroadcasts;

namespace CommunityStream.Chat.Fanout;

/// <summary>
/// This node's single subscriber to one room's topic. It serializes each broadcast once and queues the same
/// bytes to every local connection of the room; it keeps offset order without holes (a gap is fetched from
/// the room before anything after it goes out) and reports the node's viewers to the room.
/// </summary>
internal sealed class LocalRoomSubscriber : ReceiveActor, IWithTimers
{
    // DistributedPubSub spreads a new subscription by gossip (about a second per round): until it has
    // reached the room's node, messages are fetched by polling instead.
    private const int WarmUpPolls = 10;
    private const long Unknown = -1;
    // Well inside PresenceTally.Expiry. A room's presence costs a timer message and a sharded report per heartbeat:
    // in many small rooms that was a large share of the work per chat message (docs/notes/decisions.md).
    private static readonly TimeSpan PresenceHeartbeat = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan ShortTick = TimeSpan.FromSeconds(1);

    private readonly RoomId _room;
    private readonly IActorRef _region;
    private readonly ChatOptions _options;
    private readonly string _node;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly HashSet<ConnectionOutbox> _outboxes = [];
    private readonly RoomSendPass _sendPass;
    private readonly ChatMetrics _metrics;
    // The outboxes as the send pass sees them, rebuilt on the first broadcast after a change.
    private ConnectionOutbox[]? _passOutboxes;
    private readonly List<IActorRef> _waitingForSubscription = [];
    private readonly SortedDictionary<long, MessageBroadcast> _held = [];
    private bool _subscribed;
    private bool _fetching;
    // The last offset fanned out; unknown until the first join or message tells where the room is.
    private long _lastOffset = Unknown;
    private int _warmUpPollsLeft = WarmUpPolls;
    private int _reportedCount = -1;
    private DateTime _reportedAt;
    private DateTime _nextTickAt;

    public LocalRoomSubscriber(RoomId room, IActorRef region, ChatOptions options, ChatMetrics metrics)
    {
        _metrics = metrics;
        _sendPass = new RoomSendPass(metrics: metrics);
        _room = room;
        _region = region;
        _options = options;
        _node = Cluster.Get(Context.System).SelfAddress.ToString();

        Receive<SubscribeAck>(_ =>
        {
            _subscribed = true;
            _waitingForSubscription.ForEach(waiting => waiting.Tell(LocalRoomMessages.Attached.Instance));
            _waitingForSubscription.Clear();
        });
        Receive<LocalRoomMessages.Attach>(attach =>
        {
            _outboxes.Add(attach.Outbox);
            _passOutboxes = null;
            TickSoon();
            if (_subscribed)
            {
                Sender.Tell(LocalRoomMessages.Attached.Instance);
            }
            else
            {
                _waitingForSubscription.Add(Sender);
            }
        });
        Receive<LocalRoomMessages.Detach>(detach =>
        {
            _outboxes.Remove(detach.Outbox);
            _passOutboxes = null;
            TickSoon();
            // Broadcasts queued before the leave still go out: the next passes no longer visit this outbox.
            detach.Outbox.SendQueued();
        });
        Receive<LocalRoomMessages.Seen>(seen => FillUpTo(seen.Offset));
        Receive<MessageBroadcast>(OnMessage);
        Receive<ModerationBroadcast>(moderation =>
        {
            DeliverAll(0, ServerFrames.Moderation(_room, moderation.Event));
            if (moderation.Event is RoomEvents.RoomClosed closed)
            {
                SendAway(closed);
            }
        });
        Receive<StreamStatusChanged>(status => DeliverAll(0, ServerFrames.Stream(_room, status.Live, status.Title, status.At)));
        Receive<PresenceBroadcast>(presence => DeliverAll(0, ServerFrames.Presence(_room, presence.Count, presence.Members)));
        Receive<RangeFetched>(OnRangeFetched);
        Receive<Tick>(_ => OnTick());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        DistributedPubSub.Get(Context.System).Mediator.Tell(new Subscribe(_room.Topic, Self));
        TickIn(ShortTick);
    }

    protected override void PostStop()
    {
        DistributedPubSub.Get(Context.System).Mediator.Tell(new Unsubscribe(_room.Topic, Self));
        // Tell the room at once that this node's viewers left, instead of waiting for the report to expire.
        _region.Tell(new RoomCommands.ReportPresence(_room, _node, 0, null));
    }

    private void OnMessage(MessageBroadcast broadcast)
    {
        _metrics.ReachedSubscriber(broadcast.PublishedAt);
        var offset = broadcast.Message.Offset;
        if (offset <= _lastOffset)
        {
            return;
        }
        if (_lastOffset == Unknown || offset == _lastOffset + 1)
        {
            Deliver(broadcast.Epoch, broadcast.Message);
            return;
        }
        _held[offset] = broadcast;
        FillUpTo(offset - 1);
    }

    private void FillUpTo(long offset)
    {
        if (_lastOffset == Unknown)
        {
            _lastOffset = offset;
            return;
        }
        if (offset <= _lastOffset || _fetching)
        {
            return;
        }
        _fetching = true;
        var after = _lastOffset;
        _region.Ask<RoomReplies.Messages>(new RoomCommands.FetchRange(_room, after, offset + 1), TimeSpan.FromSeconds(_options.AskTimeoutSeconds))
            .PipeTo(Self, success: page => new RangeFetched(after, offset, page, null), failure: ex => new RangeFetched(after, offset, null, ex));
    }

    private void OnRangeFetched(RangeFetched fetched)
    {
        _fetching = false;
        if (fetched.Page is { } page)
        {
            foreach (var message in page.Items.Where(m => m.Offset > _lastOffset))
            {
                Deliver(page.Epoch, message);
            }
            // Offsets up to the end of the range that came back empty were deleted or cleared.
            _lastOffset = Math.Max(_lastOffset, Math.Min(fetched.UpTo, page.Latest));
        }
        else
        {
            _log.Warning(fetched.Failure, "Room {0}: could not fetch offsets after {1}; retrying", _room, fetched.After);
            return;
        }
        ReleaseHeld();
    }

    private void ReleaseHeld()
    {
        while (_held.Count > 0)
        {
            var (offset, broadcast) = _held.First();
            if (offset <= _lastOffset)
            {
                _held.Remove(offset);
                continue;
            }
            if (offset != _lastOffset + 1)
            {
                FillUpTo(offset - 1);
                return;
            }
            _held.Remove(offset);
            Deliver(broadcast.Epoch, broadcast.Message);
        }
    }

    private void Deliver(string epoch, ChatMessage message)
    {
        _lastOffset = message.Offset;
        DeliverAll(message.Offset, ServerFrames.Message(_room, epoch, message));
    }

    private void DeliverAll(long offset, byte[] payload)
    {
        var frame = WireFrame.Text(payload);
        // A slow consumer is dropped at once: it is being closed (4008) and must not count as a viewer.
        if (_outboxes.RemoveWhere(outbox => !outbox.Deliver(_room, offset, frame)) > 0)
        {
            _passOutboxes = null;
            TickSoon();
        }
        var outboxes = _passOutboxes ??= [.. _outboxes];
        _metrics.Delivered(outboxes.Length);
        _sendPass.Kick(outboxes);
    }

    /// <summary>
    /// A closed room sends its members here away: each gets <c>left</c> with reason <c>room_closed</c> after the
    /// <c>mod_event</c>, and no further broadcast. Their sockets stay open for their other rooms; the room refuses
    /// their posts and joins until it reopens (then they join again).
    /// </summary>
    private void SendAway(RoomEvents.RoomClosed closed)
    {
        DeliverAll(0, ServerFrames.Write(w =>
        {
            w.WriteString("type", "left");
            w.WriteString("room", _room.Value);
            w.WriteString("reason", "room_closed");
            w.WriteString("message", closed.Reason);
        }));
        foreach (var outbox in _outboxes)
        {
            outbox.SentAway(_room);
        }
        _outboxes.Clear();
        _passOutboxes = null;
        TickSoon();
    }

    private void OnTick()
    {
        if (_warmUpPollsLeft > 0 && _subscribed && _lastOffset != Unknown)
        {
            _warmUpPollsLeft--;
            FillUpTo(long.MaxValue - 1);
        }
        else if (_held.Count > 0)
        {
            // A failed fetch is retried here.
            ReleaseHeld();
        }
        var now = DateTime.UtcNow;
        if (_outboxes.Count != _reportedCount || now - _reportedAt >= PresenceHeartbeat)
        {
            string[]? members = _outboxes.Count < _options.MemberListThreshold
                ? [.. _outboxes.Select(o => o.UserName).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase)]
                : null;
            _region.Tell(new RoomCommands.ReportPresence(_room, _node, _outboxes.Count, members));
            _reportedCount = _outboxes.Count;
            _reportedAt = now;
        }
        // Every second while warming up or holding a gap; otherwise at the next heartbeat, or sooner on a change (TickSoon).
        TickIn(_warmUpPollsLeft > 0 || _held.Count > 0 ? ShortTick : PresenceHeartbeat);
    }

    /// <summary>A member came or went: report within a second (at most once a second, as before).</summary>
    private void TickSoon()
    {
        if (_nextTickAt - DateTime.UtcNow > ShortTick)
        {
            TickIn(ShortTick);
        }
    }

    private void TickIn(TimeSpan delay)
    {
        _nextTickAt = DateTime.UtcNow + delay;
        Timers.StartSingleTimer("tick", Tick.Instance, delay);
    }

    private sealed record RangeFetched(long After, long UpTo, RoomReplies.Messages? Page, Exception? Failure) : INoSerializationVerificationNeeded;

    private sealed class Tick : INoSerializationVerificationNeeded
    {
        public static readonly Tick Instance = new();
    }
}
