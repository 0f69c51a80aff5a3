using CommunityStream.Identity.Accounts;
using CommunityStream.Identity.Security;
using CommunityStream.Identity.Tests.Support;
using Microsoft.Extensions.Logging;

namespace CommunityStream.Identity.Tests.Unit;

/// <summary>The per-account ceiling, the bounded tables behind every throttle, and the bounded throttle log.</summary>
public sealed class LoginThrottleTests
{
    private readonly ManualTimeProvider _time = new();

    [Fact]
    public void Should_refuse_an_account_at_its_ceiling_until_the_window_ends()
    {
        var ceiling = new AccountCeiling(3, TimeSpan.FromMinutes(60), _time);
        Assert.Null(ceiling.RecordFailure("user:a"));
        _time.Advance(TimeSpan.FromMinutes(10));
        Assert.Null(ceiling.RecordFailure("user:a"));
        Assert.Null(ceiling.RetryAfter("user:a"));

        Assert.Equal(TimeSpan.FromMinutes(50), ceiling.RecordFailure("user:a"));
        Assert.Equal(TimeSpan.FromMinutes(50), ceiling.RetryAfter("user:a"));
        Assert.Null(ceiling.RetryAfter("user:b"));

        // The delay is bounded by the window: afterwards counting starts afresh.
        _time.Advance(TimeSpan.FromMinutes(50));
        Assert.Null(ceiling.RetryAfter("user:a"));
        Assert.Null(ceiling.RecordFailure("user:a"));
    }

    [Fact]
    public void Should_keep_every_throttle_table_under_its_capacity_when_keys_are_sprayed()
    {
        const int capacity = 2_000;
        var lockout = new AccountLockout(5, TimeSpan.FromSeconds(300), TimeSpan.FromSeconds(3600), _time, capacity);
        var ceiling = new AccountCeiling(300, TimeSpan.FromMinutes(60), _time, capacity);
        var limiter = new SlidingWindowLimiter(30, TimeSpan.FromMinutes(1), _time, capacity);
        for (var i = 0; i < 50_000; i++)
        {
            var key = $"login:guess{i} 198.51.100.{i % 250}";
            lockout.RecordFailure(key);
            ceiling.RecordFailure(key);
            limiter.TryAcquire(key);
            _time.Advance(TimeSpan.FromMilliseconds(1));
        }
        Assert.InRange(lockout.Count, 1, capacity);
        Assert.InRange(ceiling.Count, 1, capacity);
        Assert.InRange(limiter.Count, 1, capacity);

        // The most recent keys are the ones kept.
        for (var i = 0; i < 4; i++)
        {
            lockout.RecordFailure("login:guess49999 198.51.100.249");
        }
        Assert.NotNull(lockout.RetryAfter("login:guess49999 198.51.100.249"));
    }

    [Fact]
    public void Should_write_a_bounded_number_of_throttle_lines_from_many_addresses_and_report_the_rest()
    {
        var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(builder => builder.AddProvider(logs));
        using var log = new ThrottledLoginLog(_time, factory.CreateLogger<ThrottledLoginLog>());

        for (var i = 0; i < 1000; i++)
        {
            log.ClientThrottled($"203.0.113.{i % 200}");
        }
        Assert.Equal(ThrottledLoginLog.LinesPerWindow, logs.Lines.Count);

        log.Flush();
        Assert.Equal(ThrottledLoginLog.LinesPerWindow, logs.Lines.Count);
        _time.Advance(ThrottledLoginLog.Window);
        log.Flush();
        Assert.Equal(ThrottledLoginLog.LinesPerWindow + 1, logs.Lines.Count);
        Assert.Contains($"{1000 - ThrottledLoginLog.LinesPerWindow} more throttled", logs.Lines.Last(), StringComparison.Ordinal);

        // Nothing left out: no summary.
        _time.Advance(ThrottledLoginLog.Window);
        log.Flush();
        Assert.Equal(ThrottledLoginLog.LinesPerWindow + 1, logs.Lines.Count);
    }
}
