using System.Globalization;
using System.Text.Json;

namespace CommunityStream.Failover;

/// <summary>
/// One room's writer at a fixed rate. Every write has a clientId; writes not yet acknowledged are kept and resent
/// with the same clientId after <see cref="FailoverOptions.AckTimeoutSeconds"/> or after a reconnect (to the next
/// node when its node dies), so the server's idempotency decides what is a duplicate. Bounded by the stop tokens,
/// a pending cap and a reconnect budget.
/// </summary>
internal sealed class Publisher(int room, string roomName, string token, int firstNode, IReadOnlyList<Uri> nodes, Action<AckRecord> acked, RunCounters counters, FailoverOptions options)
{
    private const int MaxPending = 500;
    private const int MaxReconnects = 500;

    private readonly object _gate = new();
    private readonly Dictionary<string, Pending> _pending = [];
    private readonly Dictionary<string, double> _createdAt = [];
    private ChatSocket? _socket;
    private bool _joined;
    private int _sequence;
    private double _lastAckAt = MonotonicClock.NowMs;

    public int PendingCount
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>Writes until <paramref name="stopWriting"/>, then keeps connecting and resending until nothing is pending or <paramref name="stop"/>.</summary>
    public async Task RunAsync(CancellationToken stopWriting, CancellationToken stop)
    {
        var connection = ConnectionLoopAsync(stop);
        var resends = ResendLoopAsync(stop);
        await GenerateAsync(stopWriting);
        await Task.WhenAll(connection, resends);
    }

    public bool Drained => PendingCount == 0;

    private async Task GenerateAsync(CancellationToken stopWriting)
    {
        var interval = 1000.0 / options.Rate;
        var start = MonotonicClock.NowMs;
        for (var k = 0; !stopWriting.IsCancellationRequested; k++)
        {
            var due = start + (k * interval) - MonotonicClock.NowMs;
            if (due > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(due), stopWriting).ContinueWith(_ => { }, TaskScheduler.Default);
            }

            if (stopWriting.IsCancellationRequested)
            {
                return;
            }

            string clientId;
            ChatSocket? socket;
            lock (_gate)
            {
                if (_pending.Count >= MaxPending)
                {
                    counters.SkippedGeneration();
                    continue;
                }

                clientId = string.Create(CultureInfo.InvariantCulture, $"r{room}-{++_sequence}");
                var now = MonotonicClock.NowMs;
                _pending[clientId] = new Pending(now) { LastSentAt = now };
                _createdAt[clientId] = now;
                socket = _joined ? _socket : null;
            }

            if (socket is not null)
            {
                await socket.SendAsync(SendFrame(clientId));
            }
        }
    }

    private async Task ConnectionLoopAsync(CancellationToken stop)
    {
        var node = firstNode;
        for (var attempt = 0; attempt < MaxReconnects && !stop.IsCancellationRequested; attempt++)
        {
            ChatSocket socket;
            try
            {
                socket = await ChatSocket.ConnectAsync(nodes[node % nodes.Count], token, TimeSpan.FromSeconds(3), stop);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
            {
                RunCounters.Count(counters.ConnectFailures, e.GetType().Name);
                node++;
                await Task.Delay(200, stop).ContinueWith(_ => { }, TaskScheduler.Default);
                continue;
            }

            await using (socket)
            {
                lock (_gate)
                {
                    _socket = socket;
                    _joined = false;
                    _lastAckAt = MonotonicClock.NowMs;
                }

                await socket.SendAsync(JoinFrame());
                using var watchdog = CancellationTokenSource.CreateLinkedTokenSource(stop);
                var watching = WatchAcksAsync(socket, watchdog.Token);
                await ReadAsync(socket, stop);
                await watchdog.CancelAsync();
                await watching;
                lock (_gate)
                {
                    _socket = null;
                    _joined = false;
                }
            }

            if (stop.IsCancellationRequested)
            {
                return;
            }

            RunCounters.Count(counters.CloseCodes, "publisher-" + (socket.EndReason ?? "unknown"));
            node++;
            await Task.Delay(100, stop).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task ReadAsync(ChatSocket socket, CancellationToken stop)
    {
        // Any frame within this time keeps the socket; presence and the other publishers' messages arrive often.
        var idle = TimeSpan.FromSeconds(options.MemberStallSeconds);
        while (await socket.ReceiveAsync(idle, stop) is { } lines)
        {
            foreach (var line in lines)
            {
                if (ServerLine.Parse(line) is not { } frame)
                {
                    continue;
                }

                switch (frame.Type)
                {
                    case "joined":
                        await OnJoinedAsync(socket);
                        break;
                    case "ack" when frame.ClientId is { } clientId && frame.Offset is { } offset:
                        OnAck(clientId, offset, frame.Duplicate);
                        break;
                    case "error":
                        RunCounters.Count(counters.Errors, "publisher-" + frame.Code);
                        await OnErrorAsync(socket, frame);
                        break;
                    default:
                        break;
                }
            }

        }
    }

    /// <summary>
    /// Writes pending and nothing acknowledged for a long time: this node no longer serves the room, or the network
    /// to it is gone without a reset (a partition). The socket is dropped and the next node tried.
    /// </summary>
    private async Task WatchAcksAsync(ChatSocket socket, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            await Task.Delay(500, stop).ContinueWith(_ => { }, TaskScheduler.Default);
            if (!stop.IsCancellationRequested && NoAckFor() > options.PublisherNoAckSeconds * 1000)
            {
                socket.Abort("no-ack");
                return;
            }
        }
    }

    private double NoAckFor()
    {
        lock (_gate)
        {
            return _pending.Count == 0 ? 0 : MonotonicClock.NowMs - Math.Max(_lastAckAt, _pending.Values.Min(p => p.CreatedAt));
        }
    }

    private async Task OnJoinedAsync(ChatSocket socket)
    {
        List<string> resend;
        lock (_gate)
        {
            _joined = true;
            resend = [.. _pending.OrderBy(p => p.Value.CreatedAt).Select(p => p.Key)];
            var now = MonotonicClock.NowMs;
            foreach (var clientId in resend)
            {
                _pending[clientId].LastSentAt = now;
            }
        }

        foreach (var clientId in resend)
        {
            counters.Resent();
            if (!await socket.SendAsync(SendFrame(clientId)))
            {
                return;
            }
        }
    }

    private async Task OnErrorAsync(ChatSocket socket, ServerLine frame)
    {
        if (frame.Ref == "join")
        {
            await Task.Delay(500).ContinueWith(_ => { }, TaskScheduler.Default);
            await socket.SendAsync(JoinFrame());
            return;
        }

        // A refused write (unavailable, rate_limited): resend after the hint, or at the next resend pass.
        if (frame.Ref is { } clientId)
        {
            lock (_gate)
            {
                if (_pending.TryGetValue(clientId, out var pending))
                {
                    pending.LastSentAt = MonotonicClock.NowMs - (options.AckTimeoutSeconds * 1000) + (frame.RetryAfterMs ?? 500);
                }
            }
        }
    }

    private void OnAck(string clientId, long offset, bool duplicate)
    {
        double createdAt;
        var now = MonotonicClock.NowMs;
        lock (_gate)
        {
            _pending.Remove(clientId);
            _lastAckAt = now;
            if (!_createdAt.TryGetValue(clientId, out createdAt))
            {
                return;
            }
        }

        acked(new AckRecord(room, offset, clientId, createdAt, now, duplicate));
    }

    private async Task ResendLoopAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            await Task.Delay(250, stop).ContinueWith(_ => { }, TaskScheduler.Default);
            List<string> due;
            ChatSocket? socket;
            lock (_gate)
            {
                socket = _joined ? _socket : null;
                var now = MonotonicClock.NowMs;
                due = [.. _pending.Where(p => now - p.Value.LastSentAt >= options.AckTimeoutSeconds * 1000).OrderBy(p => p.Value.CreatedAt).Select(p => p.Key)];
                if (socket is not null)
                {
                    foreach (var clientId in due)
                    {
                        _pending[clientId].LastSentAt = now;
                    }
                }
            }

            if (socket is null)
            {
                continue;
            }

            foreach (var clientId in due)
            {
                counters.Resent();
                await socket.SendAsync(SendFrame(clientId));
            }
        }
    }

    private string JoinFrame() => JsonSerializer.Serialize(new { type = "join", room = roomName, history = 0, @ref = "join" });

    private string SendFrame(string clientId) =>
        JsonSerializer.Serialize(new { type = "send", room = roomName, text = MessageText.For(clientId), clientId, @ref = clientId });

    private sealed class Pending(double createdAt)
    {
        public double CreatedAt { get; } = createdAt;

        public double LastSentAt { get; set; }
    }
}
