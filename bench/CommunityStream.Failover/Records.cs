namespace CommunityStream.Failover;

/// <summary>
/// One write the server acknowledged: <paramref name="CreatedAt"/> is when the publisher made the message (its first
/// send, or the moment it queued it while disconnected), <paramref name="AckedAt"/> when the ack arrived (monotonic ms).
/// </summary>
internal sealed record AckRecord(int Room, long Offset, string ClientId, double CreatedAt, double AckedAt, bool Duplicate);

/// <summary>A fault the bench caused (or a recovery step it took): <c>kill</c>, <c>term</c>, <c>partition</c>, <c>heal</c> or <c>restart</c> of a node at a monotonic time.</summary>
internal sealed record FaultEvent(string Kind, int Node, double At)
{
    /// <summary>
    /// When the action had taken effect (the killed process gone, the link down); <see cref="At"/> is when it began.
    /// Only writes made after this are "new" for the outage: an ack that raced the action does not end it.
    /// </summary>
    public double DoneAt { get; set; } = At;

    /// <summary>A fault (kill, term, partition) rather than a recovery step (restart, heal).</summary>
    public bool IsFault => Kind is "kill" or "term" or "partition";

    /// <summary>When this event's observation window ends: the next event, or the end of the load.</summary>
    public double WindowEnd { get; set; }

    /// <summary>
    /// How far the outage and a member's way back are followed: for a fault the next fault (the restart or heal in
    /// between does not end an outage the fault started), for a recovery step its own window's end.
    /// </summary>
    public double OutageEnd { get; set; }

    /// <summary>For a restart: when the node answered ready again (ms after <see cref="At"/>); for a term: how long the exit took.</summary>
    public double? StepMs { get; set; }

    /// <summary>Exit code of the node for <c>term</c>; -1 when it had to be killed.</summary>
    public int? ExitCode { get; set; }
}

/// <summary>What one member lived through: when it received each new message and when its connection ended (monotonic ms).</summary>
internal sealed class MemberTimeline
{
    private readonly List<double> _receives = [];
    private readonly List<double> _disconnects = [];
    private readonly List<(double At, string What)> _events = [];

    public int Room { get; init; }

    public int Index { get; init; }

    /// <summary>Connection-level events (connect, joined, error, end) for the raw output; a few per reconnect.</summary>
    public void Note(string what)
    {
        lock (_events)
        {
            if (_events.Count < 2000)
            {
                _events.Add((MonotonicClock.NowMs, what));
            }
        }
    }

    public IReadOnlyList<(double At, string What)> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    public void Received(double at)
    {
        lock (_receives)
        {
            _receives.Add(at);
        }
    }

    public void Disconnected(double at)
    {
        lock (_disconnects)
        {
            _disconnects.Add(at);
        }
    }

    public IReadOnlyList<double> Receives
    {
        get
        {
            lock (_receives)
            {
                return [.. _receives];
            }
        }
    }

    public IReadOnlyList<double> Disconnects
    {
        get
        {
            lock (_disconnects)
            {
                return [.. _disconnects];
            }
        }
    }
}
