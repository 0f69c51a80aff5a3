using System.Diagnostics;
using System.Diagnostics.Metrics;
using CommunityStream.Chat.Gateway;

namespace CommunityStream.Chat.Telemetry;

/// <summary>
/// The chat module's instruments on its <see cref="ChatModule.MeterName"/> meter (docs/operations.md, "Metrics and
/// traces"). The delivery path only adds to plain counters here, once per broadcast or per send pass; the meter reads
/// them when it is collected, so a scrape costs the hot path nothing. Rejected frames carry their code as a tag and
/// are counted as they happen (an error reply is already the slow path).
/// </summary>
internal sealed class ChatMetrics : IDisposable
{
    private readonly Meter? _meter;
    private readonly Counter<long>? _rejected;
    private readonly Histogram<double>? _sendPass;
    private readonly Histogram<double>? _toRoom;
    private readonly Histogram<double>? _persist;
    private readonly Histogram<double>? _ack;
    private readonly Histogram<double>? _toSubscriber;
    private readonly Histogram<double>? _firstWrite;
    private long _joins;
    private long _posted;
    private long _deliveries;
    private long _sends;
    private long _slowConsumers;
    private long _roomsActive;

    /// <summary>Counts without instruments: for actors and delivery code built by unit tests.</summary>
    public static ChatMetrics Unmetered { get; } = new(null, null);

    public ChatMetrics(IMeterFactory? meters, OpenChatConnections? connections)
    {
        if (meters is null)
        {
            return;
        }
        _meter = meters.Create(ChatModule.MeterName);
        _meter.CreateObservableUpDownCounter("communitystream.chat.connections", () => connections?.Count ?? 0, "{connection}", "Chat WebSockets open on this node.");
        _meter.CreateObservableCounter("communitystream.chat.joins", () => Volatile.Read(ref _joins), "{join}", "Room joins answered `joined` on this node.");
        _meter.CreateObservableUpDownCounter("communitystream.chat.rooms.active", () => Volatile.Read(ref _roomsActive), "{room}", "Rooms with at least one member on this node (one local subscriber each).");
        _meter.CreateObservableCounter("communitystream.chat.messages.posted", () => Volatile.Read(ref _posted), "{message}", "Posts acknowledged to this node's connections (in the journal).");
        _meter.CreateObservableCounter("communitystream.chat.deliveries", () => Volatile.Read(ref _deliveries), "{frame}", "Room broadcasts queued to this node's connections (one per frame and socket).");
        _meter.CreateObservableCounter("communitystream.chat.sends", () => Volatile.Read(ref _sends), "{send}", "Socket sends made by the rooms' send passes; deliveries over sends is the coalescing.");
        _meter.CreateObservableCounter("communitystream.chat.slow_consumer.closes", () => Volatile.Read(ref _slowConsumers), "{connection}", "Connections closed with 4008 because their outbound queue overflowed.");
        _rejected = _meter.CreateCounter<long>("communitystream.chat.frames.rejected", "{frame}", "Client frames answered with an error, by error code.");
        _sendPass = _meter.CreateHistogram<double>("communitystream.chat.send_pass.duration", "s", "Time one send pass took over its slice of a room's sockets.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1] });
        // The stages of a post (docs/operations.md, metrics table). Recorded only while a reader listens, which in the
        // Host is always (its MeterProvider listens to this meter); the check spares the timestamps in tests and tools.
        _toRoom = Stage("to_room", "From a post's frame read at the gateway to its room deciding it (wall clocks: across nodes, their skew too).");
        _persist = Stage("persist", "From the room deciding a post to the journal reporting it persisted (queue, transaction, reply).");
        _ack = Stage("ack", "From a post's frame read at the gateway to its ack queued to the socket.");
        _toSubscriber = Stage("to_subscriber", "From the room publishing a persisted message to this node's room subscriber receiving it (wall clocks).");
        _firstWrite = Stage("first_write", "From a room subscriber starting a fan-out to the first socket write of its send pass.");
    }

    private static readonly double[] StageBuckets = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

    private Histogram<double> Stage(string name, string description) =>
        _meter!.CreateHistogram("communitystream.chat.stage." + name, "s", description,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = StageBuckets });

    /// <summary>Whether anyone reads the stage histograms: take no timestamps otherwise.</summary>
    public bool StagesEnabled => _persist is { Enabled: true } || _ack is { Enabled: true } || _firstWrite is { Enabled: true };

    /// <summary>A room decides a post sent at <paramref name="sentAtUtcTicks"/> (0: unknown, e.g. from an older node).</summary>
    public void ReachedRoom(long sentAtUtcTicks) => SinceUtc(_toRoom, sentAtUtcTicks);

    /// <summary>A room's event persisted, decided at <paramref name="decidedAt"/> (Stopwatch timestamp).</summary>
    public void Persisted(long decidedAt) => Since(_persist, decidedAt);

    /// <summary>A post acked to the socket, its frame read at <paramref name="receivedAt"/> (Stopwatch timestamp).</summary>
    public void Acked(long receivedAt) => Since(_ack, receivedAt);

    /// <summary>A message broadcast reached this node's subscriber, published at <paramref name="publishedAtUtcTicks"/>.</summary>
    public void ReachedSubscriber(long publishedAtUtcTicks) => SinceUtc(_toSubscriber, publishedAtUtcTicks);

    /// <summary>A send pass made its first socket write for a fan-out kicked at <paramref name="kickedAt"/>.</summary>
    public void FirstWrite(long kickedAt) => Since(_firstWrite, kickedAt);

    private static void Since(Histogram<double>? stage, long start)
    {
        if (start != 0 && stage is { Enabled: true })
        {
            stage.Record(Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
    }

    private static void SinceUtc(Histogram<double>? stage, long startUtcTicks)
    {
        if (startUtcTicks != 0 && stage is { Enabled: true })
        {
            stage.Record(Math.Max(0, DateTime.UtcNow.Ticks - startUtcTicks) / (double)TimeSpan.TicksPerSecond);
        }
    }

    public void Joined() => Interlocked.Increment(ref _joins);

    public void Posted() => Interlocked.Increment(ref _posted);

    public void SlowConsumerClosed() => Interlocked.Increment(ref _slowConsumers);

    public void RoomOpened() => Interlocked.Increment(ref _roomsActive);

    public void RoomClosed() => Interlocked.Decrement(ref _roomsActive);

    /// <summary>One broadcast queued to <paramref name="connections"/> sockets (the room subscriber, once per broadcast).</summary>
    public void Delivered(int connections) => Interlocked.Add(ref _deliveries, connections);

    public void Rejected(string code) => _rejected?.Add(1, new KeyValuePair<string, object?>("code", code));

    /// <summary>One send pass: its socket sends and how long it ran (Stopwatch ticks).</summary>
    public void SendPass(int sends, long elapsedTicks)
    {
        // Every pass is timed, also one that found its sockets already sent to by their producers (the turn was free).
        if (sends > 0)
        {
            Interlocked.Add(ref _sends, sends);
        }
        _sendPass?.Record((double)elapsedTicks / Stopwatch.Frequency);
    }

    public void Dispose() => _meter?.Dispose();
}
