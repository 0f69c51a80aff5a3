using System.Buffers;
using System.Runtime.CompilerServices;

namespace CommunityStream.Chat.Delivery;

/// <summary>The sends of a <see cref="FrameQueue"/> on a <see cref="DirectSocket"/>: in turn, without waiting unless the socket is full.</summary>
internal sealed partial class FrameQueue
{
    private const int MaxSendBytes = 64 * 1024;

    // The non-blocking send of several queued frames copies them here, on the sending thread.
    [ThreadStatic]
    private static byte[]? _scratch;

    /// <summary>True on a <see cref="DirectSocket"/>: the reader only sends what a full socket buffer left queued.</summary>
    public bool SendsDirectly => _direct is not null;

    /// <summary>
    /// Direct sockets: sends what is queued without waiting, unless another sender has the socket's turn (it sends
    /// these frames too before it lets go). Wakes the reader when the socket's buffer is full. Returns the socket sends
    /// made (for the send passes' metrics).
    /// </summary>
    // The per-delivery path (this, TryQueue, Outbox.Deliver, DirectSocket.TrySend, the pass) is compiled optimized at
    // first call: as tier-0 code it would run a big room's first minute on a core the tier-1 compiler competes for.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int SendQueued()
    {
        if (_direct is null)
        {
            return 0;
        }
        lock (_gate)
        {
            if (_frames.Count == 0 || _turnTaken)
            {
                return 0;
            }
            _turnTaken = true;
        }
        var full = false;
        var sends = 0;
        while (!full)
        {
            ReadOnlyMemory<byte> bytes;
            lock (_gate)
            {
                if (_frames.Count == 0 || _broken)
                {
                    // Let go under the lock: a frame queued from here on finds the turn free and is sent by its producer.
                    DropIfBroken();
                    ReleaseTurnLocked();
                    return sends;
                }
                bytes = NextBytes();
            }
            // Outside the lock: the turn keeps other senders off the socket, and producers may go on queueing.
            var sent = _direct.TrySend(bytes.Span);
            lock (_gate)
            {
                if (sent < 0)
                {
                    // The connection failed: shut it so the reader sees the end, whatever the error was.
                    _broken = true;
                    _direct.Abort();
                    continue;
                }
                sends++;
                Consume(sent);
                full = sent < bytes.Length;
                if (full)
                {
                    ReleaseTurnLocked();
                    full = _waiting;
                    _waiting = false;
                    if (!full)
                    {
                        // The reader is busy (or not waiting yet): it checks the queue before it waits again.
                        return sends;
                    }
                }
            }
        }
        // The socket's buffer is full: the reader waits for room.
        _wait.SetResult(true);
        return sends;
    }

    /// <summary>
    /// Direct sockets, for a caller holding the socket's turn: sends everything queued, waiting for room in the
    /// socket's buffer. <paramref name="release"/> gives the turn back once the queue is empty.
    /// </summary>
    public async ValueTask DrainAsync(bool release, CancellationToken cancel)
    {
        lock (_gate)
        {
            // Most calls (a keep-alive pong on an idle socket) find nothing queued: no buffer for them.
            if (_frames.Count == 0 && !_broken)
            {
                if (release)
                {
                    ReleaseTurnLocked();
                }
                return;
            }
        }
        var batch = ArrayPool<byte>.Shared.Rent(MaxSendBytes);
        try
        {
            while (true)
            {
                int length;
                lock (_gate)
                {
                    if (_frames.Count == 0 || _broken)
                    {
                        DropIfBroken();
                        if (release)
                        {
                            ReleaseTurnLocked();
                        }
                        return;
                    }
                    length = CopyQueued(batch);
                }
                await _direct!.SendAsync(batch.AsMemory(0, length), cancel);
                lock (_gate)
                {
                    Consume(length);
                }
            }
        }
        catch
        {
            // The socket failed: what is queued cannot be sent, and the turn must not stay taken.
            lock (_gate)
            {
                _broken = true;
                DropIfBroken();
                if (release)
                {
                    ReleaseTurnLocked();
                }
            }
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(batch);
        }
    }

    /// <summary>
    /// Direct sockets: waits for the socket's turn, for the writer before <see cref="DrainAsync"/> and for bytes that
    /// are not frames (<see cref="DirectSocket.WriteInTurnAsync"/>). Give it back with <see cref="ReleaseTurn"/>.
    /// </summary>
    public Task TakeTurnAsync()
    {
        lock (_gate)
        {
            if (!_turnTaken)
            {
                _turnTaken = true;
                return Task.CompletedTask;
            }
            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            (_turnWaiters ??= new Queue<TaskCompletionSource>(2)).Enqueue(waiter);
            return waiter.Task;
        }
    }

    public void ReleaseTurn()
    {
        lock (_gate)
        {
            ReleaseTurnLocked();
        }
    }

    // Under the lock: hands the turn to the next waiter, or frees it.
    private void ReleaseTurnLocked()
    {
        if (_turnWaiters is { Count: > 0 } waiters)
        {
            waiters.Dequeue().SetResult();
            return;
        }
        _turnTaken = false;
    }

    // Under the lock: the queued bytes to send next, the first frame's own array when it is alone.
    private ReadOnlyMemory<byte> NextBytes()
    {
        var head = _frames.Peek();
        if (_frames.Count == 1 || head.Bytes.Length - _headSent >= MaxSendBytes)
        {
            return head.Bytes.AsMemory(_headSent);
        }
        var scratch = _scratch ??= new byte[MaxSendBytes];
        return scratch.AsMemory(0, CopyQueued(scratch));
    }

    // Under the lock: copies the unsent bytes of the queued frames that fit (a part of the first if it alone does not).
    private int CopyQueued(byte[] into)
    {
        var length = 0;
        var skip = _headSent;
        foreach (var frame in _frames)
        {
            var bytes = frame.Bytes.AsSpan(skip);
            skip = 0;
            if (length + bytes.Length > into.Length)
            {
                if (length == 0)
                {
                    bytes[..into.Length].CopyTo(into);
                    length = into.Length;
                }
                break;
            }
            bytes.CopyTo(into.AsSpan(length));
            length += bytes.Length;
        }
        return length;
    }

    // Under the lock: the first sent bytes of the queue have gone out.
    private void Consume(int sent)
    {
        while (sent > 0)
        {
            var left = _frames.Peek().Bytes.Length - _headSent;
            if (sent < left)
            {
                _headSent += sent;
                return;
            }
            _frames.Dequeue();
            _headSent = 0;
            sent -= left;
        }
    }

    private void DropIfBroken()
    {
        if (_broken)
        {
            _frames.Clear();
            _headSent = 0;
        }
    }
}
