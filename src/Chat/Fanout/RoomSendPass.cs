using CommunityStream.Chat.Gateway;

namespace CommunityStream.Chat.Fanout;

/// <summary>
/// Sends a room's broadcasts to this node's direct sockets in passes, off the room subscriber's thread. The
/// subscriber queues a frame to every outbox (cheap) and kicks a pass; a pass gives each socket everything queued
/// for it in one non-blocking send. A message that arrives during a pass is queued behind the one being sent, so
/// the sockets the pass has not reached yet get both in one send: when a room's messages come faster than one
/// send per member allows, sends per message fall instead of a backlog building up.
/// </summary>
internal sealed class RoomSendPass : IThreadPoolWorkItem
{
    private const int Idle = 0;
    private const int Running = 1;
    private const int RunAgain = 2;

    private Outbox[] _outboxes = [];
    private int _state;

    /// <summary>Sends what is queued on <paramref name="outboxes"/> soon, on the thread pool; one pass at a time.</summary>
    public void Kick(Outbox[] outboxes)
    {
        Volatile.Write(ref _outboxes, outboxes);
        if (Interlocked.Exchange(ref _state, RunAgain) == Idle)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }

    public void Execute()
    {
        do
        {
            Volatile.Write(ref _state, Running);
            foreach (var outbox in Volatile.Read(ref _outboxes))
            {
                outbox.SendQueued();
            }
        }
        // A kick during the pass set RunAgain: go round once more for what it queued.
        while (Interlocked.CompareExchange(ref _state, Idle, Running) != Running);
    }
}
