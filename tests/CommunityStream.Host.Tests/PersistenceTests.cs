using Akka.Actor;
using CommunityStream.Host.Tests.Support;

namespace CommunityStream.Host.Tests;

/// <summary>The journal is created on first use and keeps events across a node restart, on both databases.</summary>
[Collection(SerialHostTests.Name)]
public sealed class PersistenceTests
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Should_persist_and_recover_events_in_the_default_SQLite_file()
    {
        using var data = new TempDirectory();

        await PersistThenRecoverAsync(() => InProcessNode.StartOnAsync(data));
    }

    [SkippableFact]
    public async Task Should_persist_and_recover_events_in_PostgreSQL()
    {
        await using var postgres = await TestPostgres.CreateAsync();
        using var data = new TempDirectory();

        await PersistThenRecoverAsync(() => InProcessNode.StartOnAsync(
            data, "--Persistence:Provider", "PostgreSql", "--Persistence:ConnectionString", postgres.ConnectionString));
    }

    private static async Task PersistThenRecoverAsync(Func<Task<InProcessNode>> startNode)
    {
        await using (var node = await startNode())
        {
            var counter = node.System.ActorOf(Props.Create(() => new CounterActor("a")));
            Assert.Equal(5, await counter.Ask<int>(new CounterActor.Add(5), AskTimeout));
            Assert.Equal(12, await counter.Ask<int>(new CounterActor.Add(7), AskTimeout));
        }

        await using (var restarted = await startNode())
        {
            var counter = restarted.System.ActorOf(Props.Create(() => new CounterActor("a")));
            Assert.Equal(12, await counter.Ask<int>(new CounterActor.Get(), AskTimeout));
        }
    }
}
