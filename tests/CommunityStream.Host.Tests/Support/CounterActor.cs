using Akka.Actor;
using Akka.Persistence;

namespace CommunityStream.Host.Tests.Support;

/// <summary>A minimal persistent actor that proves the node's journal writes and recovers events.</summary>
internal sealed class CounterActor : ReceivePersistentActor
{
    public sealed record Add(int Amount);

    public sealed record Get;

    private int _total;

    public CounterActor(string id)
    {
        PersistenceId = $"counter-{id}";
        Recover<int>(amount => _total += amount);
        Command<Add>(add => Persist(add.Amount, amount =>
        {
            _total += amount;
            Sender.Tell(_total);
        }));
        Command<Get>(_ => Sender.Tell(_total));
    }

    public override string PersistenceId { get; }
}
