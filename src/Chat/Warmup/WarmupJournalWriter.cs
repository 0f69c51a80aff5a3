using Akka.Actor;
using Akka.Persistence;
using CommunityStream.Chat.Rooms;

namespace CommunityStream.Chat.Warmup;

/// <summary>
/// Writes the warm-up's events through the rooms' journal and serializer (batched like a busy room's
/// <c>PersistAllAsync</c>), under a persistence id that is not a room's (<c>room-</c> ids are the room list), and
/// deletes them all when told to finish. Replies <see cref="Written"/> per batch and <see cref="Finished"/> at the end.
/// </summary>
internal sealed class WarmupJournalWriter : ReceivePersistentActor
{
    private readonly string _persistenceId;
    private IActorRef? _finishing;

    public WarmupJournalWriter(string persistenceId)
    {
        _persistenceId = persistenceId;
        // Recovery replays what an earlier start left (nothing, once it deleted its events): it only sets the sequence number.
        Recover<IRoomEvent>(_ => { });
        Command<Write>(write =>
        {
            var sender = Sender;
            var remaining = write.Events.Count;
            PersistAllAsync(write.Events, _ =>
            {
                if (--remaining == 0)
                {
                    sender.Tell(Written.Instance);
                }
            });
        });
        Command<Finish>(_ =>
        {
            _finishing = Sender;
            if (LastSequenceNr == 0)
            {
                Done();
                return;
            }
            DeleteMessages(LastSequenceNr);
        });
        Command<DeleteMessagesSuccess>(_ => Done());
        Command<DeleteMessagesFailure>(failure => Done(failure.Cause));
    }

    public override string PersistenceId => _persistenceId;

    private void Done(Exception? failure = null)
    {
        _finishing?.Tell(new Finished(failure));
        Context.Stop(Self);
    }

    public sealed record Write(IReadOnlyList<IRoomEvent> Events) : INoSerializationVerificationNeeded;

    public sealed class Written : INoSerializationVerificationNeeded
    {
        public static readonly Written Instance = new();
    }

    public sealed class Finish : INoSerializationVerificationNeeded
    {
        public static readonly Finish Instance = new();
    }

    public sealed record Finished(Exception? Failure) : INoSerializationVerificationNeeded;
}
