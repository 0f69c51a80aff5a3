namespace CommunityStream.LoadGen;

/// <summary>
/// What one connection has received: its room's offsets (gaps, duplicates, reorders against
/// <c>joined.offset</c>) and, per publisher, the stamped sequence numbers and their delivery latency.
/// Touched only by the connection's receive loop.
/// </summary>
internal sealed class ReceiverState(RunStats stats, StampClock clock, int room)
{
    private readonly Dictionary<int, SequenceTracker> _publishers = [];

    public SequenceTracker Offsets { get; } = new();

    public bool Joined { get; private set; }

    public IEnumerable<SequenceTracker> Publishers => _publishers.Values;

    public void OnText(ReadOnlySpan<byte> payload)
    {
        foreach (var line in new NdjsonLines(payload))
        {
            if (!ServerFrame.TryParse(line, out var frame))
            {
                Interlocked.Increment(ref stats.BadFrames);
                continue;
            }

            switch (frame.Type)
            {
                case ServerFrameType.Message:
                    OnMessage(ref frame);
                    break;
                case ServerFrameType.Joined:
                    if (!Joined)
                    {
                        Joined = true;
                        if (frame.HasOffset)
                        {
                            Offsets.SetBaseline(frame.Offset);
                        }

                        Interlocked.Increment(ref stats.Joined);
                        Interlocked.Increment(ref stats.JoinedPerRoom[room]);
                    }

                    break;
                case ServerFrameType.Welcome:
                    Interlocked.Increment(ref stats.Welcomed);
                    break;
                case ServerFrameType.Ack:
                    Interlocked.Increment(ref stats.Acks);
                    if (frame.Duplicate)
                    {
                        Interlocked.Increment(ref stats.DuplicateAcks);
                    }
                    if (frame.HasOffset)
                    {
                        stats.RecordAck(room, frame.Offset);
                    }

                    break;
                case ServerFrameType.Presence:
                    Interlocked.Increment(ref stats.PresenceFrames);
                    break;
                case ServerFrameType.Error:
                    RunStats.Count(stats.ErrorCodes, frame.Code ?? "(none)");
                    break;
                default:
                    break;
            }
        }
    }

    private void OnMessage(ref ServerFrame frame)
    {
        if (frame.HasOffset)
        {
            Offsets.Observe(frame.Offset);
        }

        if (!frame.HasStamp)
        {
            Interlocked.Increment(ref stats.UnstampedMessages);
            return;
        }

        stats.RecordDelivery(frame.Stamp.Timestamp, StampClocks.MicrosecondsSince(clock, frame.Stamp.Timestamp));

        Interlocked.Increment(ref stats.Deliveries);
        if (!_publishers.TryGetValue(frame.Stamp.Publisher, out var tracker))
        {
            tracker = new SequenceTracker();
            _publishers[frame.Stamp.Publisher] = tracker;
        }

        tracker.Observe(frame.Stamp.Sequence);
    }
}
