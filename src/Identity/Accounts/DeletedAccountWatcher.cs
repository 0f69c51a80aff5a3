using CommunityStream.Identity.Configuration;
using CommunityStream.Identity.Persistence;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CommunityStream.Identity.Accounts;

/// <summary>
/// Keeps <see cref="DeletedAccountsCache"/> in step with the database (deletions made on other nodes show within
/// <see cref="PollInterval"/>), and frees the usernames and emails of accounts deleted more than
/// <c>Identity:DeletedAccountGraceDays</c> ago (checked every <see cref="SweepInterval"/>; every node may run it, the
/// update is idempotent).
/// </summary>
internal sealed class DeletedAccountWatcher(
    IdentitySchema schema,
    UserStore users,
    DeletedAccountsCache cache,
    IOptions<IdentityOptions> options,
    TimeProvider time,
    ILogger<DeletedAccountWatcher> logger) : BackgroundService
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan SweepInterval = TimeSpan.FromHours(1);

    // Node clocks differ a little: each poll looks back this far beyond the previous one.
    private static readonly TimeSpan Overlap = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await schema.EnsureCreatedAsync(stoppingToken);
            cache.AddRange(await users.FindDeletedSinceAsync(DateTimeOffset.UnixEpoch, stoppingToken));
            var polledAt = time.GetUtcNow();
            var sweptAt = DateTimeOffset.MinValue;
            using var timer = new PeriodicTimer(PollInterval, time);
            do
            {
                try
                {
                    var now = time.GetUtcNow();
                    cache.AddRange(await users.FindDeletedSinceAsync(polledAt - Overlap, stoppingToken));
                    polledAt = now;
                    if (now - sweptAt >= SweepInterval)
                    {
                        await FreeExpiredNamesAsync(now, stoppingToken);
                        sweptAt = now;
                    }
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    logger.DeletedAccountPollFailed(exception);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Frees the names of accounts deleted before <paramref name="now"/> minus the grace period.</summary>
    public async Task<int> FreeExpiredNamesAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var freed = await users.FreeNamesOfDeletedBeforeAsync(now - TimeSpan.FromDays(options.Value.DeletedAccountGraceDays), cancellationToken);
        if (freed > 0)
        {
            logger.DeletedAccountNamesFreed(freed);
        }
        return freed;
    }
}
