using System.Threading.Tasks.Sources;

namespace CommunityStream.Chat.Gateway;

/// <summary>
/// A bounded queue of frames with one reader, the part of a <c>Channel</c> an <see cref="Outbox"/> needs. Every
/// idle socket holds one, so it is small: a queue, a lock and one reusable wait (about 200 bytes, where a bounded
/// channel preallocates its reader and writer operations, about 700). The reader's continuation runs on the
/// thread pool, never on the producer's thread (a room subscriber delivering to thousands of outboxes).
/// </summary>
internal sealed class FrameQueue(int capacity) : IValueTaskSource<bool>
{
    private readonly Queue<byte[]> _frames = new();
    private readonly Lock _gate = new();
    private ManualResetValueTaskSourceCore<bool> _wait = new() { RunContinuationsAsynchronously = true };
    private bool _waiting;
    private bool _completed;

    /// <summary>Queues a frame; false when the queue is full or completed.</summary>
    public bool TryWrite(byte[] frame)
    {
        lock (_gate)
        {
            if (_completed || _frames.Count >= capacity)
            {
                return false;
            }
            _frames.Enqueue(frame);
            if (!_waiting)
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

    public bool TryPeek(out byte[] frame)
    {
        lock (_gate)
        {
            return _frames.TryPeek(out frame!);
        }
    }

    public bool TryRead(out byte[] frame)
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
