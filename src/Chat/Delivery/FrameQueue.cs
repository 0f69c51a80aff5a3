using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;

namespace CommunityStream.Chat.Delivery;

/// <summary>
/// A connection's bounded queue of outbound frames with one reader, the part of a <c>Channel</c> an
/// <see cref="ConnectionOutbox"/> needs. Every idle socket holds one, so it is small: a queue, a lock and one reusable wait.
/// The reader's continuation runs on the thread pool, never on the producer's thread.
/// <para>
/// On a <see cref="DirectSocket"/> the frames are sent without the reader: a reply at once on its producer's thread,
/// a room broadcast by the room's send pass (<see cref="SendQueued"/>), which sends every frame queued for the socket
/// in one non-blocking call. Only when the socket's buffer is full is the reader woken, to wait for room. Elsewhere
/// every frame wakes the reader, which writes it through the WebSocket.
/// </para>
/// </summary>
internal sealed partial class FrameQueue : IValueTaskSource<bool>
{
    private readonly Queue<WireFrame> _frames = new();
    private readonly Lock _gate = new();
    private readonly int _capacity;
    private readonly DirectSocket? _direct;
    private ManualResetValueTaskSourceCore<bool> _wait = new() { RunContinuationsAsynchronously = true };
    private bool _waiting;
    private bool _completed;
    // Bytes of the first queued frame already sent: a send may take part of a frame.
    private int _headSent;
    // The socket refused a send: nothing more can reach the peer, and the reader is about to see the end.
    private bool _broken;
    // Direct sockets: one sender at a time holds the socket's turn (a producer, a send pass, the writer, or the
    // WebSocket's control frames); those that wait for it (rarely more than one) queue here.
    private bool _turnTaken;
    private Queue<TaskCompletionSource>? _turnWaiters;

    public FrameQueue(int capacity, DirectSocket? direct = null)
    {
        _capacity = capacity;
        _direct = direct;
        if (direct is not null)
        {
            direct.Frames = this;
        }
    }

    /// <summary>Queues a frame and, on a direct socket, sends what is queued; false when the queue is full or completed.</summary>
    public bool TryWrite(WireFrame frame)
    {
        if (!TryQueue(frame))
        {
            return false;
        }
        SendQueued();
        return true;
    }

    /// <summary>
    /// Queues a frame. On a direct socket it waits for <see cref="SendQueued"/> (a room queues to all its sockets,
    /// then sends in a pass); elsewhere the reader is woken. False when the queue is full or completed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryQueue(WireFrame frame)
    {
        lock (_gate)
        {
            if (_completed || _frames.Count >= _capacity)
            {
                return false;
            }
            _frames.Enqueue(frame);
            if (_direct is not null || !_waiting)
            {
                return true;
            }
            _waiting = false;
        }
        _wait.SetResult(true);
        return true;
    }

    /// <summary>No more frames: the reader drains what is queued, then its wait answers false.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            if (_completed)
            {
                return;
            }
            _completed = true;
            if (!_waiting)
            {
                return;
            }
            _waiting = false;
        }
        // The reader only waits on an empty queue, so completing it ends the reading.
        _wait.SetResult(false);
    }

    /// <summary>True when a frame can be read; false once the queue is completed and drained. One waiter at a time.</summary>
    public ValueTask<bool> WaitToReadAsync()
    {
        lock (_gate)
        {
            if (_frames.Count > 0)
            {
                return new ValueTask<bool>(true);
            }
            if (_completed)
            {
                return new ValueTask<bool>(false);
            }
            _wait.Reset();
            _waiting = true;
            return new ValueTask<bool>(this, _wait.Version);
        }
    }

    public bool TryPeek(out WireFrame frame)
    {
        lock (_gate)
        {
            return _frames.TryPeek(out frame!);
        }
    }

    public bool TryRead(out WireFrame frame)
    {
        lock (_gate)
        {
            return _frames.TryDequeue(out frame!);
        }
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _wait.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _wait.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _wait.OnCompleted(continuation, state, token, flags);
}
