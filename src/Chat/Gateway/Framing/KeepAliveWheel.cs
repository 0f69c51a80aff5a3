namespace CommunityStream.Chat.Gateway.Framing;

/// <summary>
/// The node's one keep-alive clock for the chat sockets it framed itself (<see cref="ChatWebSocket"/>), instead of a
/// timer per socket. Sockets sit in one of <c>Chat:KeepAliveSeconds</c> slots, one visited per second, so each is
/// visited once an interval: it gets a ping then, and a socket that received nothing at all (not even the pong)
/// since the previous ping is a dead peer and is aborted. A slot is an intrusive list through the sockets themselves:
/// membership costs a socket two references and an index, no node object.
/// </summary>
internal sealed class KeepAliveWheel : IDisposable
{
    private readonly ChatWebSocket?[] _slots;
    private readonly Lock _gate = new();
    private readonly List<ChatWebSocket> _due = [];
    private readonly Timer _timer;
    private int _cursor;
    private int _ticking;

    public KeepAliveWheel(TimeSpan interval)
    {
        _slots = new ChatWebSocket?[Math.Max(1, (int)Math.Ceiling(interval.TotalSeconds))];
        _timer = new Timer(static wheel => ((KeepAliveWheel)wheel!).Tick(), this, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    /// <summary>Sockets on the wheel (for tests and metrics).</summary>
    public int Count { get; private set; }

    /// <summary>Puts a socket on the wheel: first visited one interval from now.</summary>
    public void Add(ChatWebSocket socket)
    {
        lock (_gate)
        {
            if (socket.WheelSlot >= 0)
            {
                return;
            }
            // The slot just visited comes round again last.
            var slot = _cursor;
            socket.WheelSlot = slot;
            socket.WheelPrevious = null;
            socket.WheelNext = _slots[slot];
            if (_slots[slot] is { } head)
            {
                head.WheelPrevious = socket;
            }
            _slots[slot] = socket;
            Count++;
        }
    }

    /// <summary>Takes a socket off the wheel (once it closes); safe to repeat.</summary>
    public void Remove(ChatWebSocket socket)
    {
        lock (_gate)
        {
            if (socket.WheelSlot < 0)
            {
                return;
            }
            if (socket.WheelPrevious is { } previous)
            {
                previous.WheelNext = socket.WheelNext;
            }
            else
            {
                _slots[socket.WheelSlot] = socket.WheelNext;
            }
            if (socket.WheelNext is { } next)
            {
                next.WheelPrevious = socket.WheelPrevious;
            }
            socket.WheelNext = socket.WheelPrevious = null;
            socket.WheelSlot = -1;
            Count--;
        }
    }

    public void Dispose() => _timer.Dispose();

    private void Tick()
    {
        // Timer callbacks can overlap on a busy node: one visit at a time (a skipped tick delays the slots by a second).
        if (Interlocked.Exchange(ref _ticking, 1) == 1)
        {
            return;
        }
        try
        {
            lock (_gate)
            {
                _cursor = (_cursor + 1) % _slots.Length;
                for (var socket = _slots[_cursor]; socket is not null; socket = socket.WheelNext)
                {
                    _due.Add(socket);
                }
            }
            // Outside the lock: an abort takes the socket off the wheel.
            foreach (var socket in _due)
            {
                socket.OnKeepAliveVisit();
            }
        }
        finally
        {
            _due.Clear();
            Volatile.Write(ref _ticking, 0);
        }
    }
}
