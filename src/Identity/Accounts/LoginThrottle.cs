using CommunityStream.Identity.Configuration;
using CommunityStream.Identity.Security;
using Microsoft.Extensions.Options;

namespace CommunityStream.Identity.Accounts;

/// <summary>
/// The module's login and registration throttles, built from <see cref="ThrottleSettings"/> (docs/identity.md,
/// "Login throttling"): attempts per client address, a progressive lockout per account and client address, and a
/// per-account ceiling on failures from all addresses together. All in memory on this node, bounded in size.
/// </summary>
internal sealed class LoginThrottle
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private readonly AccountLockout _accountAtAddress;
    private readonly AccountCeiling _accounts;
    private readonly SlidingWindowLimiter _logins;
    private readonly SlidingWindowLimiter _registrations;

    public LoginThrottle(IOptions<IdentityOptions> options, TimeProvider time)
    {
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

    public TimeSpan? TryAcquireLoginAttempt(string clientAddress) => _logins.TryAcquire(clientAddress);

    public TimeSpan? TryAcquireRegistration(string clientAddress) => _registrations.TryAcquire(clientAddress);

    /// <summary>How long this address must wait before trying this account again, or null when it may try now.</summary>
    public TimeSpan? AccountRetryAfter(string account, string clientAddress) =>
        Longest(_accountAtAddress.RetryAfter(PairKey(account, clientAddress)), _accounts.RetryAfter(account));

    /// <summary>Counts a wrong password of <paramref name="account"/> from <paramref name="clientAddress"/>.</summary>
    public LoginFailure AccountFailed(string account, string clientAddress) =>
        new(_accountAtAddress.RecordFailure(PairKey(account, clientAddress)), _accounts.RecordFailure(account));

    /// <summary>Forgets this address's failures for the account; the account's ceiling keeps counting (others may be guessing).</summary>
    public void AccountSucceeded(string account, string clientAddress) => _accountAtAddress.RecordSuccess(PairKey(account, clientAddress));

    private static string PairKey(string account, string clientAddress) => account + " " + clientAddress;

    private static TimeSpan? Longest(TimeSpan? a, TimeSpan? b) => a is null ? b : b is null ? a : (a > b ? a : b);
}

/// <summary>What a failure locked: this address out of the account for <see cref="AddressLockout"/>, or the whole account for <see cref="CeilingReached"/>.</summary>
internal readonly record struct LoginFailure(TimeSpan? AddressLockout, TimeSpan? CeilingReached);
