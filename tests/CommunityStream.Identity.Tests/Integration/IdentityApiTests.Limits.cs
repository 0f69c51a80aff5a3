using System.Net;
using CommunityStream.Identity.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static CommunityStream.Identity.Tests.Support.ApiClient;

namespace CommunityStream.Identity.Tests.Integration;

/// <summary>Limits that need their own app instance: a tight register limit, a clock the test controls.</summary>
public abstract partial class IdentityApiTests
{
    [SkippableFact]
    public async Task Should_limit_registrations_per_client_address()
    {
        SkipIfUnavailable();
        var settings = IdentityAppFixture.Settings();
        settings["Identity:Throttle:RegisterAttemptsPerMinute"] = "2";
        await using var app = await IdentityTestApp.StartAsync(Fixture.Database.Options!, Fixture.Temp.Sub("register-limit"), settings);

        for (var i = 0; i < 2; i++)
        {
            // Invalid input is rejected before hashing; it still counts against the limit.
            using var attempt = await PostAsync(app.Client, "/api/auth/register", new { username = "x", email = "x", password = "x" });
            Assert.Equal(HttpStatusCode.BadRequest, attempt.StatusCode);
        }
        using var limited = await PostAsync(app.Client, "/api/auth/register", new { username = "x", email = "x", password = "x" });
        await ReadProblemAsync(limited, HttpStatusCode.TooManyRequests);
        Assert.NotNull(limited.Headers.RetryAfter?.Delta);
    }

    [SkippableFact]
    public async Task Should_reject_an_expired_refresh_token()
    {
        SkipIfUnavailable();
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await IdentityTestApp.StartAsync(
            Fixture.Database.Options!,
            Fixture.Temp.Sub("clock"),
            IdentityAppFixture.Settings(),
            builder => builder.Services.AddSingleton<TimeProvider>(clock));
        var tokens = await LoginAsync(app.Client, IdentityAppFixture.AdminUsername, IdentityAppFixture.AdminPassword);

        clock.Advance(TimeSpan.FromDays(30) + TimeSpan.FromSeconds(1));

        using var refresh = await PostAsync(app.Client, "/api/auth/refresh", new { refreshToken = tokens.RefreshToken });
        await ReadProblemAsync(refresh, HttpStatusCode.Unauthorized);
    }
}
