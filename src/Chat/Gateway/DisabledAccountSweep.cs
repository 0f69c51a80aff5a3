using System.Net.WebSockets;
using CommunityStream.Identity.Contracts;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CommunityStream.Chat.Gateway;

/// <summary>
/// Closes this node's sockets of accounts an administrator disabled (or whose sessions were revoked), on any node, within about
/// <see cref="ChatOptions.DisabledAccountSweepSeconds"/>: one indexed query per sweep for accounts disabled since
/// the previous one (Identity's shared database), not a timer or a look-up per socket. The sockets close with
/// 4003 <c>account_disabled</c>, the code a refused <c>refresh</c> of a disabled account already used.
/// </summary>
internal sealed partial class DisabledAccountSweep(
    AuthenticatedConnections connections,
    IDisabledAccounts disabledAccounts,
    IOptions<ChatOptions> options,
    TimeProvider time,
    ILogger<DisabledAccountSweep> log) : BackgroundService
{
    /// <summary>Close code of a socket whose account was disabled (docs/chat-protocol.md).</summary>
    public const WebSocketCloseStatus AccountDisabled = (WebSocketCloseStatus)4003;

    /// <summary>
    /// Close code of a socket whose account's sessions an administrator revoked: 4001, as for an expired token, since
    /// the client must sign in again (its refresh token is revoked too).
    /// </summary>
    public const WebSocketCloseStatus SessionRevoked = (WebSocketCloseStatus)4001;

    // Each query reaches this far behind the previous sweep's start: it covers clocks of other nodes that run a
    // little behind (disabled_at is stamped by the node that disabled) and sockets accepted while another node's
    // 5 s token-status cache still called the account active. Repeats cost nothing: closed sockets are gone.
    private static readonly TimeSpan Overlap = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(Math.Max(1, options.Value.DisabledAccountSweepSeconds));
        using var timer = new PeriodicTimer(interval, time);
        var since = time.GetUtcNow() - Overlap;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var started = time.GetUtcNow();
                if (connections.IsEmpty)
                {
                    since = started - Overlap;
                    continue;
                }
                try
                {
                    CloseSocketsOf(await disabledAccounts.DisabledSinceAsync(since, stoppingToken), AccountDisabled, "account_disabled");
                    CloseSocketsOf(await disabledAccounts.SessionsRevokedSinceAsync(since, stoppingToken), SessionRevoked, "session_revoked");
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

    private void CloseSocketsOf(IReadOnlyList<Guid> accountIds, WebSocketCloseStatus status, string reason)
    {
        if (accountIds.Count == 0)
        {
            return;
        }
        foreach (var connection in connections.Of(accountIds.ToHashSet()))
        {
            LogClosing(log, connection.Id, reason);
            connection.Close(status, reason);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Closing chat connection {ConnectionId}: {Reason}")]
    private static partial void LogClosing(ILogger logger, string connectionId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Disabled-account sweep failed; retrying at the next interval")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
