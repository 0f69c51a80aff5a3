using System.Net;
using CommunityStream.Identity.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static CommunityStream.Identity.Tests.Support.ApiClient;

namespace CommunityStream.Identity.Tests.Integration;

/// <summary>
/// Login throttling as docs/identity.md describes it: per account and client address with growing delays, per address,
/// and a per-account ceiling for guessing spread over many addresses. Distinct client addresses are real loopback
/// sockets bound to 127.0.0.x.
/// </summary>
public abstract partial class IdentityApiTests
{
    [SkippableFact]
    public async Task Should_let_the_owner_in_from_another_address_while_an_attacker_is_locked_out()
    {
        SkipIfUnavailable();
        var user = await RegisterAsync(Client, NewUsername("owner"));
        using var attacker = LoopbackClients.From(Client.BaseAddress!, "127.0.0.2");
        using var owner = LoopbackClients.From(Client.BaseAddress!, "127.0.0.3");

        // AccountFailures is 3 in the fixture: the attacker's address is locked out of this account.
        for (var i = 0; i < 3; i++)
        {
            using var failure = await PostAsync(attacker, "/api/auth/login", new { login = user.Username, password = "Wrong-Passw0rd" });
            Assert.Equal(HttpStatusCode.Unauthorized, failure.StatusCode);
        }
        using var refused = await PostAsync(attacker, "/api/auth/login", new { login = user.Username, password = Password });
        await ReadProblemAsync(refused, HttpStatusCode.TooManyRequests);
        Assert.NotNull(refused.Headers.RetryAfter?.Delta);

        // The owner's address has not failed: the right password works.
        using var ownLogin = await PostAsync(owner, "/api/auth/login", new { login = user.Username, password = Password });
        Assert.Equal(HttpStatusCode.OK, ownLogin.StatusCode);

        // The owner's success does not unlock the attacker's address.
        using var stillRefused = await PostAsync(attacker, "/api/auth/login", new { login = user.Username, password = "Wrong-Passw0rd" });
        await ReadProblemAsync(stillRefused, HttpStatusCode.TooManyRequests);
    }

    [SkippableFact]
    public async Task Should_answer_a_failing_address_429_with_a_retry_after_that_grows()
    {
        SkipIfUnavailable();
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await IdentityTestApp.StartAsync(
            Fixture.Database.Options!, Fixture.Temp.Sub("growing-lockout"), IdentityAppFixture.Settings(),
            builder => builder.Services.AddSingleton<TimeProvider>(clock));
        var user = await RegisterAsync(app.Client, NewUsername("grow"));
        using var attacker = LoopbackClients.From(app.Client.BaseAddress!, "127.0.0.4");
        using var owner = LoopbackClients.From(app.Client.BaseAddress!, "127.0.0.5");

        var retryAfters = new List<double>();
        for (var round = 0; round < 2; round++)
        {
            for (var i = 0; i < 3; i++)
            {
                using var failure = await PostAsync(attacker, "/api/auth/login", new { login = user.Username, password = "Wrong-Passw0rd" });
                Assert.Equal(HttpStatusCode.Unauthorized, failure.StatusCode);
            }
            using var refused = await PostAsync(attacker, "/api/auth/login", new { login = user.Username, password = Password });
            await ReadProblemAsync(refused, HttpStatusCode.TooManyRequests);
            var retryAfter = refused.Headers.RetryAfter!.Delta!.Value;
            retryAfters.Add(retryAfter.TotalSeconds);

            // Meanwhile the owner, from an address that has not failed, signs in.
            using var ownLogin = await PostAsync(owner, "/api/auth/login", new { login = user.Username, password = Password });
            Assert.Equal(HttpStatusCode.OK, ownLogin.StatusCode);
            clock.Advance(retryAfter);
        }

        // AccountLockoutSeconds 300, doubled for the second lockout of the same address and account.
        Assert.Equal([300, 600], retryAfters);
    }

    [SkippableFact]
    public async Task Should_refuse_every_address_that_failed_once_the_accounts_ceiling_is_reached_but_not_a_clean_one()
    {
        SkipIfUnavailable();
        var settings = IdentityAppFixture.Settings();
        settings["Identity:Throttle:AccountCeilingFailures"] = "4";
        settings["Identity:Throttle:AccountCeilingWindowMinutes"] = "10";
        await using var app = await IdentityTestApp.StartAsync(Fixture.Database.Options!, Fixture.Temp.Sub("ceiling"), settings);
        var user = await RegisterAsync(app.Client, NewUsername("spread"));

        // Two failures from each of two addresses: under the per-address count (3), at the account's ceiling (4).
        foreach (var address in new[] { "127.0.0.6", "127.0.0.7" })
        {
            using var client = LoopbackClients.From(app.Client.BaseAddress!, address);
            for (var i = 0; i < 2; i++)
            {
                using var failure = await PostAsync(client, "/api/auth/login", new { login = user.Username, password = "Wrong-Passw0rd" });
                Assert.Equal(HttpStatusCode.Unauthorized, failure.StatusCode);
            }
        }

        // A guesser's address is held back even with the right password.
        using var guesser = LoopbackClients.From(app.Client.BaseAddress!, "127.0.0.6");
        using var refused = await PostAsync(guesser, "/api/auth/login", new { login = user.Username, password = Password });
        await ReadProblemAsync(refused, HttpStatusCode.TooManyRequests);
        Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 600);

        // A new address gets one try while the ceiling holds: one wrong password, then it is held back too.
        using var next = LoopbackClients.From(app.Client.BaseAddress!, "127.0.0.9");
        using var oneTry = await PostAsync(next, "/api/auth/login", new { login = user.Username, password = "Wrong-Passw0rd" });
        Assert.Equal(HttpStatusCode.Unauthorized, oneTry.StatusCode);
        using var heldBack = await PostAsync(next, "/api/auth/login", new { login = user.Username, password = Password });
        await ReadProblemAsync(heldBack, HttpStatusCode.TooManyRequests);

        // The owner, from an address that never failed on the account, gets in.
        using var owner = LoopbackClients.From(app.Client.BaseAddress!, "127.0.0.8");
        using var ownerLogin = await PostAsync(owner, "/api/auth/login", new { login = user.Username, password = Password });
        Assert.Equal(HttpStatusCode.OK, ownerLogin.StatusCode);
    }

    [SkippableFact]
    public async Task Should_log_a_bounded_number_of_lines_for_a_thousand_throttled_logins_and_report_the_rest()
    {
        SkipIfUnavailable();
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var logs = new CapturingLoggerProvider();
        var settings = IdentityAppFixture.Settings();
        settings["Identity:Throttle:IpAttemptsPerMinute"] = "1";
        await using var app = await IdentityTestApp.StartAsync(Fixture.Database.Options!, Fixture.Temp.Sub("throttle-log"), settings, builder =>
        {
            builder.Services.AddSingleton<TimeProvider>(clock);
            builder.Logging.AddProvider(logs);
        });
        using var first = await PostAsync(app.Client, "/api/auth/login", new { login = "someone", password = "" });
        Assert.Equal(HttpStatusCode.Unauthorized, first.StatusCode);
        var before = logs.Lines.Count;

        for (var i = 0; i < 1000; i++)
        {
            using var throttled = await PostAsync(app.Client, "/api/auth/login", new { login = "someone", password = "" });
            Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        }
        var written = logs.Lines.Skip(before).ToList();
        Assert.InRange(written.Count, 1, 3);

        // The next window's first throttled attempt reports how many lines the last one left out.
        clock.Advance(TimeSpan.FromMinutes(2));
        using var allowed = await PostAsync(app.Client, "/api/auth/login", new { login = "someone", password = "" });
        Assert.Equal(HttpStatusCode.Unauthorized, allowed.StatusCode);
        using var throttledAgain = await PostAsync(app.Client, "/api/auth/login", new { login = "someone", password = "" });
        Assert.Equal(HttpStatusCode.TooManyRequests, throttledAgain.StatusCode);
        Assert.Contains(logs.Lines, line => line.Contains("999", StringComparison.Ordinal));
    }
}
