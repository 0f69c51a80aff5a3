using CommunityStream.Identity.Configuration;
using CommunityStream.Identity.Security;
using CommunityStream.Identity.Telemetry;
using Microsoft.Extensions.Options;

namespace CommunityStream.Identity.Accounts;

/// <summary>
/// The module's login and registration throttles, built from <see cref="ThrottleSettings"/> (docs/identity.md,
/// "Login throttling"): attempts per client address, a progressive lockout per account and client address, and a
/// per-account ceiling on failures from all addresses together. All in memory on this node, bounded in size. What they
/// refuse or lock is counted in the metrics and logged through <see cref="ThrottledLoginLog"/>.
/// </summary>
internal sealed class LoginThrottle
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private readonly AccountLockout _accountAtAddress;
    private readonly AccountCeiling _accounts;
    private readonly SlidingWindowLimiter _logins;
    private readonly SlidingWindowLimiter _registrations;
    private readonly ThrottledLoginLog _log;
    private readonly IdentityMetrics _metrics;

    public LoginThrottle(IOptions<IdentityOptions> options, TimeProvider time, ThrottledLoginLog log, IdentityMetrics metrics)
    {
        _log = log;
        _metrics = metrics;
        var settings = options.Value.Throttle;
        _accountAtAddress = new AccountLockout(
            settings.AccountFailures,
            TimeSpan.FromSeconds(settings.AccountLockoutSeconds),
            TimeSpan.FromSeconds(settings.AccountLockoutMaxSeconds),
            time);
        _accounts = new AccountCeiling(settings.AccountCeilingFailures, TimeSpan.FromMinutes(settings.AccountCeilingWindowMinutes), time);
        _logins = new SlidingWindowLimiter(settings.IpAttemptsPerMinute, Minute, time);
        _registrations = new SlidingWindowLimiter(settings.RegisterAttemptsPerMinute, Minute, time);
    }

    /// <summary>Counts a login (or re-entered password) attempt from the address; how long to wait when over the limit.</summary>
    public TimeSpan? TryAcquireLoginAttempt(string clientAddress)
    {
        var wait = _logins.TryAcquire(clientAddress);
        if (wait is not null)
        {
            _log.ClientThrottled(clientAddress);
        }
        return wait;
    }

    public TimeSpan? TryAcquireRegistration(string clientAddress) => _registrations.TryAcquire(clientAddress);

    /// <summary>
    /// How long this address must wait before trying this account again, or null when it may try now. The account's
    /// ceiling holds back only addresses that have failed on it: a guesser gets one try per address while it is
    /// reached, and the owner from an address with no failure is never refused because of others' (OWASP).
    /// </summary>
    public TimeSpan? AccountRetryAfter(string account, string clientAddress)
    {
        var pair = PairKey(account, clientAddress);
        var ceiling = _accountAtAddress.HasFailed(pair) ? _accounts.RetryAfter(account) : null;
        return Longest(_accountAtAddress.RetryAfter(pair), ceiling);
    }

    /// <summary>Counts a wrong password of <paramref name="account"/> from <paramref name="clientAddress"/>; counts and logs what it locked.</summary>
    public void AccountFailed(string account, string clientAddress)
    {
        if (_accountAtAddress.RecordFailure(PairKey(account, clientAddress)) is { } lockout)
        {
            _metrics.LockedOut();
            _log.AddressLockedOut(clientAddress, lockout);
        }
        if (_accounts.RecordFailure(account) is { } refusedFor)
        {
            _metrics.LockedOut();
            _log.CeilingReached(account, refusedFor);
        }
    }

    /// <summary>Forgets this address's failures for the account; the account's ceiling keeps counting (others may be guessing).</summary>
    public void AccountSucceeded(string account, string clientAddress) => _accountAtAddress.RecordSuccess(PairKey(account, clientAddress));

    private static string PairKey(string account, string clientAddress) => account + " " + clientAddress;

    private static TimeSpan? Longest(TimeSpan? a, TimeSpan? b) => a is null ? b : b is null ? a : (a > b ? a : b);
}
