namespace CommunityStream.Chat.Rooms;

/// <summary>
/// Replies that wait for the events handed to the journal before them, in the order they were queued.
/// <see cref="RoomActor"/> uses it instead of DeferAsync, whose event-less write batch makes
/// Akka.Persistence.Sql's journal fail and trip its circuit breaker (docs/notes/journal-empty-write-batch.md).
/// </summary>
internal sealed class DeferredReplies
{
    private readonly Queue<(long After, Action Send, Action? Abandon)> _waiting = new();
    private long _persisting;
    private long _durable;

    /// <summary>Counts events just handed to PersistAsync.</summary>
    public void Persisting(int events) => _persisting += events;

    /// <summary>
    /// Sends now if every event handed to the journal so far is durable, else once they are; <paramref name="abandon"/>
    /// answers instead if the writes before it fail (<see cref="Abandon"/>).
    /// </summary>
    public void Send(Action send, Action? abandon = null)
    {
        if (_durable == _persisting)
        {
            send();
            return;
        }
        _waiting.Enqueue((_persisting, send, abandon));
    }

    /// <summary>The writes failed and the actor stops: every waiting reply is answered by its abandon action, not sent.</summary>
    public void Abandon()
    {
        while (_waiting.TryDequeue(out var next))
        {
            next.Abandon?.Invoke();
        }
    }

    /// <summary>One more event is durable (PersistAsync's callbacks come in order): sends the replies it released.</summary>
    public void Persisted()
    {
        _durable++;
        while (_waiting.TryPeek(out var next) && next.After <= _durable)
        {
            _waiting.Dequeue();
            next.Send();
        }
    }
}
