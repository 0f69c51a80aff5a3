using CommunityStream.Identity.Security;
using CommunityStream.Identity.Tests.Support;

namespace CommunityStream.Identity.Tests.Unit;

public sealed class ThrottleTests
{
    private readonly ManualTimeProvider _time = new();

    [Fact]
    public void Should_lock_an_account_after_n_consecutive_failures()
    {
        var lockout = new AccountLockout(3, TimeSpan.FromSeconds(300), TimeSpan.FromSeconds(1000), _time);
        Assert.Null(lockout.RecordFailure("alice"));
        Assert.Null(lockout.RecordFailure("alice"));
        Assert.Null(lockout.RetryAfter("alice"));

        Assert.Equal(TimeSpan.FromSeconds(300), lockout.RecordFailure("alice"));
        Assert.Equal(TimeSpan.FromSeconds(300), lockout.RetryAfter("alice"));
        Assert.Null(lockout.RetryAfter("bob"));

        _time.Advance(TimeSpan.FromSeconds(120));
        Assert.Equal(TimeSpan.FromSeconds(180), lockout.RetryAfter("alice"));
        _time.Advance(TimeSpan.FromSeconds(180));
        Assert.Null(lockout.RetryAfter("alice"));
    }

    [Fact]
    public void Should_double_repeated_lockouts_up_to_the_cap()
    {
        var lockout = new AccountLockout(2, TimeSpan.FromSeconds(300), TimeSpan.FromSeconds(1000), _time);
        var periods = new List<TimeSpan?>();
        for (var round = 0; round < 4; round++)
        {
            lockout.RecordFailure("alice");
            periods.Add(lockout.RecordFailure("alice"));
            _time.Advance(TimeSpan.FromHours(1));
        }
        Assert.Equal([TimeSpan.FromSeconds(300), TimeSpan.FromSeconds(600), TimeSpan.FromSeconds(1000), TimeSpan.FromSeconds(1000)], periods);
    }

    [Fact]
    public void Should_forget_failures_after_a_success()
    {
        var lockout = new AccountLockout(2, TimeSpan.FromSeconds(300), TimeSpan.FromSeconds(1000), _time);
        lockout.RecordFailure("alice");
        lockout.RecordSuccess("alice");
        Assert.Null(lockout.RecordFailure("alice"));
        Assert.Equal(TimeSpan.FromSeconds(300), lockout.RecordFailure("alice"));
        lockout.RecordSuccess("alice");
        lockout.RecordFailure("alice");
        // The doubling restarted too: a success wipes the history.
        Assert.Equal(TimeSpan.FromSeconds(300), lockout.RecordFailure("alice"));
    }

    [Fact]
    public void Should_allow_m_attempts_per_sliding_minute_per_key()
    {
        var limiter = new SlidingWindowLimiter(3, TimeSpan.FromMinutes(1), _time);
        Assert.Null(limiter.TryAcquire("10.0.0.1"));
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Null(limiter.TryAcquire("10.0.0.1"));
        Assert.Null(limiter.TryAcquire("10.0.0.1"));

        Assert.Equal(TimeSpan.FromSeconds(50), limiter.TryAcquire("10.0.0.1"));
        Assert.Null(limiter.TryAcquire("10.0.0.2"));

        _time.Advance(TimeSpan.FromSeconds(50));
        Assert.Null(limiter.TryAcquire("10.0.0.1"));
        // The two attempts at t=10 s are still inside the window.
        Assert.Equal(TimeSpan.FromSeconds(10), limiter.TryAcquire("10.0.0.1"));
    }

    [Fact]
    public void Should_not_count_refused_attempts()
    {
        var limiter = new SlidingWindowLimiter(1, TimeSpan.FromMinutes(1), _time);
        Assert.Null(limiter.TryAcquire("k"));
        for (var i = 0; i < 5; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(10));
            Assert.NotNull(limiter.TryAcquire("k"));
        }
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Null(limiter.TryAcquire("k"));
    }

    [Fact]
    public void Should_limit_exports_per_account_and_per_client_address()
    {
        var exports = new ExportThrottle(_time);
        var first = Guid.CreateVersion7();
        Assert.Null(exports.TryAcquire(first, "192.0.2.1"));
        Assert.NotNull(exports.TryAcquire(first, "192.0.2.2"));

        // Other accounts from the same address: a few more, then the address waits for the window.
        for (var i = 1; i < ExportThrottle.PerAddressPerMinute; i++)
        {
            Assert.Null(exports.TryAcquire(Guid.CreateVersion7(), "192.0.2.1"));
        }
        var wait = exports.TryAcquire(Guid.CreateVersion7(), "192.0.2.1");
        Assert.NotNull(wait);
        Assert.InRange(wait.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        Assert.Null(exports.TryAcquire(Guid.CreateVersion7(), "192.0.2.3"));

        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(exports.TryAcquire(Guid.CreateVersion7(), "192.0.2.1"));
        Assert.Null(exports.TryAcquire(first, "192.0.2.3"));
    }
}
