using System.Runtime.CompilerServices;
using CommunityStream.Chat.Rooms;

namespace CommunityStream.Chat.Delivery;

/// <summary>
/// One connection's bounded outbound queue of ready-made frames, shared by every room the connection joined: room
/// broadcasts, replies and errors all go through it, in one order, to the connection's <see cref="FrameQueue"/>.
/// Never blocks a producer: when the queue is full the connection is marked a slow consumer and closed (4008), and
/// the room goes on. Per room it holds broadcasts back while the room is being joined, and remembers the last offset
/// delivered, so history and live frames do not overlap.
/// </summary>
internal sealed class ConnectionOutbox
{
    private readonly FrameQueue _queue;
    private readonly int _capacity;
    private readonly Lock _gate = new();
    // Rooms being joined: exists only while a join is under way.
    private Dictionary<RoomId, List<(long Offset, WireFrame Frame)>>? _joining;
    // The last offset delivered per room: the first room inline (most sockets join one), a dictionary for the others.
    private RoomId? _firstRoom;
    private long _firstOffset;
    private Dictionary<RoomId, long>? _lastOffsets;
    private volatile bool _completed;
    private volatile bool _overflowed;

    /// <param name="capacity">Frames queued before the connection counts as a slow consumer.</param>
    /// <param name="direct">The socket frames are sent to directly (by producers and the room's send passes); null when every frame goes through the connection's writer loop.</param>
    public ConnectionOutbox(int capacity, DirectSocket? direct = null)
    {
        _capacity = capacity;
        _queue = new FrameQueue(capacity, direct);
    }

    /// <summary>Set once the queue overflowed; the writer then closes with 4008.</summary>
    public bool Overflowed => _overflowed;

    /// <summary>Called once when the queue overflows (from the producer's thread).</summary>
    public Action? OnOverflow { get; init; }

    /// <summary>Username for presence member lists; null when anonymous.</summary>
    public string? UserName { get; init; }

    /// <summary>The queued frames, for the connection's one writer loop.</summary>
    public FrameQueue Frames => _queue;

    /// <summary>Queues a reply or error for this connection.</summary>
    public bool Enqueue(byte[] payload) => Enqueue(WireFrame.Text(payload));

    private bool Enqueue(WireFrame frame, bool send = true)
    {
        if (Overflowed || _completed)
        {
            return false;
        }
        if (send ? _queue.TryWrite(frame) : _queue.TryQueue(frame))
        {
            return true;
        }
        if (_completed)
        {
            return false;
        }
        MarkOverflow();
        return false;
    }

    /// <summary>
    /// A room broadcast (offset 0 for frames without one: presence, moderation). Messages at or below the
    /// last offset this connection already has for the room are dropped, so history and live never repeat.
    /// On a direct socket the frame waits for the room's send pass (<see cref="SendQueued"/>).
    /// </summary>
    /// <returns>False once the connection is a slow consumer: the caller stops delivering to it.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Deliver(RoomId room, long offset, WireFrame frame)
    {
        // Uncontended most of the time: the room's subscriber delivers, the connection only joins and leaves.
        lock (_gate)
        {
            if (_joining is not null && _joining.TryGetValue(room, out var held))
            {
                if (held.Count >= _capacity)
                {
                    MarkOverflow();
                    return false;
                }
                held.Add((offset, frame));
                return true;
            }
            if (offset > 0)
            {
                if (TryGetLastOffset(room, out var last) && offset <= last)
                {
                    return true;
                }
                SetLastOffset(room, offset);
            }
        }
        return Enqueue(frame, send: false);
    }

    /// <summary>Sends what room broadcasts queued, without waiting (direct sockets; elsewhere the writer loop does); returns the socket sends made.</summary>
    public int SendQueued() => _queue.SendQueued();

    /// <summary>Holds back the room's broadcasts until <see cref="CompleteJoin"/> or <see cref="CancelJoin"/>.</summary>
    public void BeginJoin(RoomId room)
    {
        lock (_gate)
        {
            (_joining ??= [])[room] = [];
            RemoveLastOffset(room);
        }
    }

    /// <summary>
    /// Queues the joined frame, then the held broadcasts newer than the history it carried
    /// (<paramref name="lastOffset"/>), and lets live broadcasts through.
    /// </summary>
    public void CompleteJoin(RoomId room, byte[] joinedFrame, long lastOffset)
    {
        lock (_gate)
        {
            Enqueue(joinedFrame);
            if (_joining is not null && _joining.Remove(room, out var held))
            {
                foreach (var (offset, frame) in held)
                {
                    if (offset == 0 || offset > lastOffset)
                    {
                        Enqueue(frame);
                        lastOffset = Math.Max(lastOffset, offset);
                    }
                }
                DropJoiningIfEmpty();
            }
            SetLastOffset(room, lastOffset);
        }
    }

    public void CancelJoin(RoomId room)
    {
        lock (_gate)
        {
            _joining?.Remove(room);
            DropJoiningIfEmpty();
            RemoveLastOffset(room);
        }
    }

    /// <summary>No more frames: the writer drains what is queued and stops.</summary>
    public void Complete()
    {
        _completed = true;
        _queue.Complete();
    }

    // Under the gate, as are the three below.
    private void DropJoiningIfEmpty()
    {
        if (_joining is { Count: 0 })
        {
            _joining = null;
        }
    }

    private bool TryGetLastOffset(RoomId room, out long offset)
    {
        if (room.Equals(_firstRoom))
        {
            offset = _firstOffset;
            return true;
        }
        offset = 0;
        return _lastOffsets is not null && _lastOffsets.TryGetValue(room, out offset);
    }

    private void SetLastOffset(RoomId room, long offset)
    {
        if (_firstRoom is null || room.Equals(_firstRoom))
        {
            _firstRoom = room;
            _firstOffset = offset;
            _lastOffsets?.Remove(room);
            return;
        }
        (_lastOffsets ??= [])[room] = offset;
    }

    private void RemoveLastOffset(RoomId room)
    {
        if (room.Equals(_firstRoom))
        {
            _firstRoom = null;
        }
        _lastOffsets?.Remove(room);
    }

    private void MarkOverflow()
    {
        if (_overflowed)
        {
            return;
        }
        _overflowed = true;
        _queue.Complete();
        OnOverflow?.Invoke();
    }
}
