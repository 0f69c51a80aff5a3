using System.Diagnostics;
using CommunityStream.Chat.Tests.Support;
using CommunityStream.Chat.Warmup;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CommunityStream.Chat.Tests.Warmup;

/// <summary>
/// The start-up warm-up on the Host's SQL journal (a real SQLite file): it finishes within its bound, writes through
/// the journal, and leaves no live event and no room behind.
/// </summary>
public sealed class ChatWarmupTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Warms_up_through_the_journal_and_leaves_no_event_and_no_room()
    {
        using var directory = new TempDirectory();
        var system = SqlJournal.OnSqlite(directory);
        try
        {
            var warmup = new ChatWarmup(Options.Create(new ChatOptions { WarmupOnStart = true, WarmupSeconds = 30 }), NullLogger<ChatWarmup>.Instance);
            Assert.False(warmup.Finished);

            warmup.Start(system);

            await WaitUntilAsync(() => warmup.Finished);
            Assert.Matches("^chat path warmed up: [1-9][0-9]* messages, [1-9][0-9]* journal events", warmup.Description);
            await SqlJournal.AssertHealthyAsync(system);
        }
        finally
        {
            await system.Terminate();
        }

        await using var connection = new SqliteConnection($"Data Source={Path.Combine(directory.Path, "journal.db")};Pooling=false");
        await connection.OpenAsync();
        Assert.Equal(0L, await ScalarAsync(connection, "SELECT count(*) FROM journal WHERE deleted = 0"));
        Assert.Equal(0L, await ScalarAsync(connection, "SELECT count(*) FROM journal WHERE persistence_id LIKE 'room-%'"));
        // It did write: the journal keeps the highest sequence number of a deleted id, marked deleted.
        Assert.True(await ScalarAsync(connection, "SELECT count(*) FROM journal WHERE persistence_id LIKE 'chat-warmup-%'") <= 1);
    }

    [Fact]
    public async Task Switched_off_it_is_finished_at_once()
    {
        using var directory = new TempDirectory();
        var warmup = new ChatWarmup(Options.Create(new ChatOptions { WarmupOnStart = false }), NullLogger<ChatWarmup>.Instance);
        var system = SqlJournal.OnSqlite(directory);
        try
        {
            warmup.Start(system);
            Assert.True(warmup.Finished);
            Assert.Contains("off", warmup.Description, StringComparison.Ordinal);
        }
        finally
        {
            await system.Terminate();
        }
    }

    [Fact]
    public void A_pass_posts_in_offset_order()
    {
        var pass = new WarmupPass(new ChatOptions());
        var offsets = Enumerable.Range(0, 60).Select(_ => Assert.IsType<CommunityStream.Chat.Rooms.RoomEvents.MessagePosted>(pass.Next()).Message.Offset).ToList();
        Assert.Equal(Enumerable.Range(1, 60).Select(i => (long)i), offsets);
        Assert.Equal(60, pass.Sent);
    }

    private static async Task<long> ScalarAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < Timeout, "the warm-up did not finish in time");
            await Task.Delay(50);
        }
    }
}
