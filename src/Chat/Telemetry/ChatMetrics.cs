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
