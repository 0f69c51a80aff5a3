using CommunityStream.BuildingBlocks;
using CommunityStream.Host.Clustering.Leases;

namespace CommunityStream.Host.Tests.Clustering;

/// <summary>The lease table on a real SQLite file and a real PostgreSQL database: one holder at a time, decided by the database.</summary>
public sealed class SqlLeaseStoreTests
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(1);

    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.PostgreSql];

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task Should_give_a_lease_to_one_owner_until_it_is_released(DatabaseProvider provider)
    {
        await using var database = await LeaseDatabase.CreateAsync(provider);
        var store = new SqlLeaseStore(database.Options);

        Assert.True(await store.TryAcquireAsync("shard-1", "a:1", Long, default));
        Assert.False(await store.TryAcquireAsync("shard-1", "b:1", Long, default));
        Assert.True(await store.TryAcquireAsync("shard-1", "a:1", Long, default));
        Assert.False(await store.ReleaseAsync("shard-1", "b:1", default));
        Assert.True(await store.ReleaseAsync("shard-1", "a:1", default));
        Assert.True(await store.TryAcquireAsync("shard-1", "b:1", Long, default));
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task Should_let_another_owner_take_a_lease_only_once_it_expired(DatabaseProvider provider)
    {
        await using var database = await LeaseDatabase.CreateAsync(provider);
        var store = new SqlLeaseStore(database.Options);
        Assert.True(await store.TryAcquireAsync("shard-2", "a:1", TimeSpan.FromSeconds(2), default));
        var started = DateTime.UtcNow;

        Assert.False(await store.TryAcquireAsync("shard-2", "b:1", Long, default));
        await Eventually.Until(() => store.TryAcquireAsync("shard-2", "b:1", Long, default), taken => taken, TimeSpan.FromSeconds(10), "the expired lease to be taken");

        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromSeconds(1.5), "taken before it expired");
        var holder = Assert.Single(await store.ListAsync("shard-2", default));
        Assert.Equal("b:1", holder.Owner);
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task Should_renew_only_the_leases_the_owner_still_holds(DatabaseProvider provider)
    {
        await using var database = await LeaseDatabase.CreateAsync(provider);
        var store = new SqlLeaseStore(database.Options);
        Assert.True(await store.TryAcquireAsync("x-1", "a:1", TimeSpan.FromSeconds(3), default));
        Assert.True(await store.TryAcquireAsync("x-2", "a:1", TimeSpan.FromSeconds(3), default));
        Assert.True(await store.TryAcquireAsync("x-3", "b:1", TimeSpan.FromSeconds(3), default));

        var renewed = await store.RenewAsync("a:1", ["x-1", "x-2", "x-3", "x-4"], Long, default);

        Assert.Equal(["x-1", "x-2"], renewed.Order(StringComparer.Ordinal));
        var rows = await store.ListAsync("x-", default);
        Assert.True(rows.Single(r => r.Name == "x-1").Remaining > TimeSpan.FromSeconds(30));
        Assert.True(rows.Single(r => r.Name == "x-3").Remaining < TimeSpan.FromSeconds(4));
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task Should_let_exactly_one_of_many_concurrent_formations_succeed(DatabaseProvider provider)
    {
        await using var database = await LeaseDatabase.CreateAsync(provider);
        var store = new SqlLeaseStore(database.Options);
        // The schema exists before the race, as it would on a running database.
        await store.ListAsync("m-", default);

        // Each decision takes a while, so that without the lock every attempt would read the table before any wrote.
        var attempts = Enumerable.Range(0, 8).Select(i => Task.Run(() => store.TryAcquireExclusiveAsync(
            "formation", "m-", holders => SlowlyDecide(holders.All(h => h.Remaining <= TimeSpan.Zero)), $"m-{i}", $"node:{i}", Long, default)));
        var results = await Task.WhenAll(attempts);

        Assert.Equal(1, results.Count(formed => formed));
        Assert.Single(await store.ListAsync("m-", default));
    }

    private static bool SlowlyDecide(bool decision)
    {
        Thread.Sleep(100);
        return decision;
    }
}
