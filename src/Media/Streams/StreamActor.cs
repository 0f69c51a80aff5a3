using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using Akka.Persistence;
using CommunityStream.BuildingBlocks.Integration;
using static CommunityStream.Media.Streams.StreamCommands;

namespace CommunityStream.Media.Streams;

/// <summary>
/// The single authority on one channel's stream, a sharded entity persisted as <c>stream-{channel}</c> (settings
/// only). It admits one publishing session at a time, keeps the viewer count per node and the publisher's quality
/// figures, and announces every change: the summary to <see cref="StreamDirectory.Topic"/> (every node's stream
/// list) and <see cref="StreamStatusChanged"/> to the channel's chat room.
/// </summary>
internal sealed class StreamActor : ReceivePersistentActor, IWithTimers
{
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(2);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly IActorRef _mediator;
    private StreamState _state;

    public StreamActor(string channel)
    {
        _state = StreamState.Offline(channel);
        _mediator = DistributedPubSub.Get(Context.System).Mediator;

        Recover<StreamEvents.SettingsChanged>(changed => _state = _state.Apply(changed));
        Recover<RecoveryCompleted>(_ =>
        {
            Timers.StartPeriodicTimer("expire", ExpireTick.Instance, Tick);
            Context.SetReceiveTimeout(TimeSpan.FromMinutes(2));
        });

        Command<ExpireTick>(_ => OnTick());
        Command<UpdateSettings>(OnUpdateSettings);
        Command<IStreamCommand>(OnCommand);
        Command<ReceiveTimeout>(_ => Context.Parent.Tell(new Passivate(PoisonPill.Instance)));
    }

    public override string PersistenceId => "stream-" + _state.Channel;

    public ITimerScheduler Timers { get; set; } = null!;

    private void OnCommand(IStreamCommand command)
    {
        var (reply, next, changed) = _state.Process(command, DateTimeOffset.UtcNow);
        _state = next;
        if (reply is not null)
        {
            Sender.Tell(reply);
        }
        if (changed)
        {
            _log.Info("Channel {0} is {1}", _state.Channel, _state.Live is null ? "offline" : "live");
            _mediator.Tell(new Publish(StreamStatusChanged.Topic, new StreamStatusChanged(_state.Channel, _state.Live is not null, _state.Title, DateTimeOffset.UtcNow)));
        }
        if (changed || command is ReportViewers)
        {
            PublishSummary();
        }
    }

    private void OnUpdateSettings(UpdateSettings update)
    {
        var (changed, error) = _state.Decide(update);
        if (changed is null)
        {
            Sender.Tell(new StreamReplies.Rejected("invalid_settings", error!));
            return;
        }
        var sender = Sender;
        Persist(changed, persisted =>
        {
            _state = _state.Apply(persisted);
            sender.Tell(_state.Summary());
            PublishSummary();
        });
    }

    private void OnTick()
    {
        var (next, changed) = _state.Expire(DateTimeOffset.UtcNow);
        _state = next;
        if (changed)
        {
            _log.Warning("Channel {0}: the publisher's node stopped reporting; the stream is offline", _state.Channel);
            _mediator.Tell(new Publish(StreamStatusChanged.Topic, new StreamStatusChanged(_state.Channel, false, _state.Title, DateTimeOffset.UtcNow)));
        }
        // Directories forget entries nobody refreshes, so a live stream repeats itself.
        if (changed || _state.Live is not null)
        {
            PublishSummary();
        }
    }

    private void PublishSummary() => _mediator.Tell(new Publish(StreamDirectory.Topic, _state.Summary()));

    private sealed class ExpireTick : INotInfluenceReceiveTimeout, INoSerializationVerificationNeeded
    {
        public static readonly ExpireTick Instance = new();
    }
}
