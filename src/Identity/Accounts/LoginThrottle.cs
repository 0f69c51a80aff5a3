using CommunityStream.Identity.Configuration;
using CommunityStream.Identity.Security;
using Microsoft.Extensions.Options;

namespace CommunityStream.Identity.Accounts;

/// <summary>The module's throttles, built from <see cref="ThrottleSettings"/>: account lockout, per-IP login and register limits.</summary>
internal sealed class LoginThrottle
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private readonly AccountLockout _accounts;
    private readonly SlidingWindowLimiter _logins;
    private readonly SlidingWindowLimiter _registrations;

    public LoginThrottle(IOptions<IdentityOptions> options, TimeProvider time)
    {
        var settings = options.Value.Throttle;
        _accounts = new AccountLockout(
            settings.AccountFailures,
            TimeSpan.FromSeconds(settings.AccountLockoutSeconds),
            TimeSpan.FromSeconds(settings.AccountLockoutMaxSeconds),
            time);
        _logins = new SlidingWindowLimiter(settings.IpAttemptsPerMinute, Minute, time);
        _registrations = new SlidingWindowLimiter(settings.RegisterAttemptsPerMinute, Minute, time);
    }

    public TimeSpan? TryAcquireLoginAttempt(string clientAddress) => _logins.TryAcquire(clientAddress);

    public TimeSpan? TryAcquireRegistration(string clientAddress) => _registrations.TryAcquire(clientAddress);

    public TimeSpan? AccountRetryAfter(string account) => _accounts.RetryAfter(account);

    public TimeSpan? AccountFailed(string account) => _accounts.RecordFailure(account);

    public void AccountSucceeded(string account) => _accounts.RecordSuccess(account);
}
