using CommunityStream.Identity.Contracts;
using CommunityStream.Media.Streams;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CommunityStream.Media.Administration;

/// <summary>
/// Ends the live streams published on this node by accounts an administrator disabled, on any node, within about a
/// second: while this node holds a publisher, one indexed query a second asks Identity's shared database for accounts
/// disabled since the previous sweep (as Chat's sweep does for sockets). A channel is named by its owner's username,
/// so a disabled account's stream is the feed of that name. New WHIP sessions of a disabled account are refused anyway.
/// A stream started with the owner's access token (the browser studio) also ends when the owner's sessions are revoked
/// after it started (log out everywhere, a password change): that token is refused from then on. A stream started with
/// the stream key stays: the key is a separate credential, and rotating it is the streamer's tool.
/// </summary>
internal sealed partial class DisabledPublisherSweep(
    MediaAdministration administration,
    IDisabledAccounts disabledAccounts,
    IUserDirectory users,
    TimeProvider time,
    ILogger<DisabledPublisherSweep> log) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    // As Chat's sweep: covers other nodes' clocks a little behind (disabled_at is stamped by the disabling node).
    private static readonly TimeSpan Overlap = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        var since = time.GetUtcNow() - Overlap;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var started = time.GetUtcNow();
                var published = administration.PublishedHere().ToHashSet(StringComparer.Ordinal);
                if (published.Count == 0)
                {
                    since = started - Overlap;
                    continue;
                }
                try
                {
                    await EndStreamsOfAsync(await disabledAccounts.DisabledSinceAsync(since, stoppingToken), published, stoppingToken);
                    await EndTokenStreamsOfRevokedAsync(since, stoppingToken);
                    since = started - Overlap;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Keep `since`: the next sweep asks again for everything it missed.
                    LogSweepFailed(log, ex);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The node is stopping.
        }
    }

    private async Task EndStreamsOfAsync(IReadOnlyList<Guid> disabled, HashSet<string> published, CancellationToken cancel)
    {
        foreach (var id in disabled)
        {
            if (await users.FindByIdAsync(id, cancel) is not { } user || ChannelName.TryNormalize(user.Username) is not { } channel || !published.Contains(channel))
            {
                continue;
            }
            LogEnding(log, channel);
            await administration.EndHereAsync(channel, "the account was disabled", cancel);
        }
    }

    private async Task EndTokenStreamsOfRevokedAsync(DateTimeOffset since, CancellationToken cancel)
    {
        var byToken = administration.PublishedHereByAccessToken();
        if (byToken.Count == 0)
        {
            return;
        }
        foreach (var id in await disabledAccounts.SessionsRevokedSinceAsync(since, cancel))
        {
            if (await users.FindByIdAsync(id, cancel) is not { } user || ChannelName.TryNormalize(user.Username) is not { } channel
                || !byToken.TryGetValue(channel, out var startedAt))
            {
                continue;
            }
            // `since` reaches back before the stream may have started: only a revocation after its start ends it.
            if (!(await disabledAccounts.SessionsRevokedSinceAsync(startedAt, cancel)).Contains(id))
            {
                continue;
            }
            LogEndingRevoked(log, channel);
            await administration.EndHereAsync(channel, "the owner's sessions were revoked", cancel);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ending the stream of {Channel}: started with an access token, and the owner's sessions were revoked since")]
    private static partial void LogEndingRevoked(ILogger logger, string channel);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ending the stream of {Channel}: its account was disabled")]
    private static partial void LogEnding(ILogger logger, string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Disabled-publisher sweep failed; retrying at the next interval")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
