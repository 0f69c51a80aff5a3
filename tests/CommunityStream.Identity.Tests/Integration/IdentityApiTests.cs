using System.Net;
using System.Net.Http.Json;
using CommunityStream.Identity.Tests.Support;
using static CommunityStream.Identity.Tests.Support.ApiClient;

namespace CommunityStream.Identity.Tests.Integration;

/// <summary>
/// The HTTP API over real Kestrel and a real database. Runs once per engine through the derived classes
/// (<see cref="SqliteIdentityApiTests"/>, <see cref="PostgresIdentityApiTests"/>).
/// </summary>
public abstract partial class IdentityApiTests(IdentityAppFixture fixture)
{
    protected IdentityAppFixture Fixture { get; } = fixture;

    protected HttpClient Client => Fixture.App.Client;

    protected void SkipIfUnavailable() => Skip.If(Fixture.SkipReason is not null, Fixture.SkipReason);

    [SkippableFact]
    public async Task Should_register_with_201_location_and_viewer_role()
    {
        SkipIfUnavailable();
        var username = NewUsername("Reg");
        using var response = await PostAsync(Client, "/api/auth/register", new { username, email = $"{username}@Example.test", password = Password });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var user = (await response.Content.ReadFromJsonAsync<UserDto>())!;
        Assert.Equal(username, user.Username);
        Assert.Equal($"{username}@Example.test", user.Email);
        Assert.Equal(["viewer"], user.Roles);
        Assert.NotEqual(Guid.Empty, user.Id);
        Assert.Equal($"/api/users/{user.Id}", response.Headers.Location?.OriginalString);
        Assert.InRange(user.CreatedAt, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [SkippableTheory]
    [InlineData("ab", "a@example.test", "Good-Passw0rd", "username")]
    [InlineData("has space", "a@example.test", "Good-Passw0rd", "username")]
    [InlineData("this_name_is_far_too_long_x", "a@example.test", "Good-Passw0rd", "username")]
    [InlineData("valid_name", "not-an-email", "Good-Passw0rd", "email")]
    [InlineData("valid_name", "a@example.test", "Short1!", "password")]
    [InlineData("valid_name", "a@example.test", "alllowercaseletters", "password")]
    [InlineData("valid_name", "a@example.test", "xVALID_NAME9", "password")]
    [InlineData(null, "a@example.test", "Good-Passw0rd", "username")]
    public async Task Should_reject_policy_violations_with_400_naming_the_field(string? username, string email, string password, string field)
    {
        SkipIfUnavailable();
        using var response = await PostAsync(Client, "/api/auth/register", new { username, email, password });
        var problem = await ReadProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var messages), $"errors should name {field}: {problem}");
        Assert.NotEmpty(messages.EnumerateArray());
    }

    [SkippableFact]
    public async Task Should_answer_malformed_json_with_a_400_problem()
    {
        SkipIfUnavailable();
        using var content = new StringContent("{\"username\": ", System.Text.Encoding.UTF8, "application/json");
        using var response = await Client.PostAsync("/api/auth/register", content);
        await ReadProblemAsync(response, HttpStatusCode.BadRequest);

        using var wrongType = new StringContent("{\"login\": 42}", System.Text.Encoding.UTF8, "application/json");
        using var loginResponse = await Client.PostAsync("/api/auth/login", wrongType);
        await ReadProblemAsync(loginResponse, HttpStatusCode.BadRequest);
    }

    [SkippableFact]
    public async Task Should_reject_duplicate_username_case_insensitively_and_duplicate_email_with_409()
    {
        SkipIfUnavailable();
        var user = await RegisterAsync(Client, NewUsername("Dup"));

        using var sameName = await PostAsync(Client, "/api/auth/register", new { username = user.Username.ToUpperInvariant(), email = "other-" + user.Email, password = Password });
        var nameProblem = await ReadProblemAsync(sameName, HttpStatusCode.Conflict);
        Assert.Contains("username", nameProblem.GetProperty("title").GetString(), StringComparison.Ordinal);

        using var sameEmail = await PostAsync(Client, "/api/auth/register", new { username = NewUsername("Dup"), email = user.Email.ToUpperInvariant(), password = Password });
        var emailProblem = await ReadProblemAsync(sameEmail, HttpStatusCode.Conflict);
        Assert.Contains("email", emailProblem.GetProperty("title").GetString(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Should_let_exactly_one_of_20_concurrent_registrations_of_a_name_win()
    {
        SkipIfUnavailable();
        var username = NewUsername("race");
        var attempts = Enumerable.Range(0, 20).Select(async i =>
        {
            using var response = await PostAsync(Client, "/api/auth/register", new { username, email = $"race{i}-{username}@example.test", password = Password });
            return response.StatusCode;
        });
        var statuses = await Task.WhenAll(attempts);

        Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.Created));
        Assert.Equal(19, statuses.Count(s => s == HttpStatusCode.Conflict));
    }

    [SkippableFact]
    public async Task Should_login_by_username_or_email_and_serve_me_only_with_a_token()
    {
        SkipIfUnavailable();
        var user = await RegisterAsync(Client, NewUsername("Me"));

        var byName = await LoginAsync(Client, user.Username.ToLowerInvariant());
        var byEmail = await LoginAsync(Client, user.Email.ToUpperInvariant());
        Assert.Equal("Bearer", byName.TokenType);
        Assert.Equal(15 * 60, byName.ExpiresIn);
        Assert.NotEqual(byName.RefreshToken, byEmail.RefreshToken);

        using var me = await SendAsync(Client, HttpMethod.Get, "/api/me", token: byEmail.AccessToken);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        var current = (await me.Content.ReadFromJsonAsync<UserDto>())!;
        Assert.Equal((user.Id, user.Username, user.Email, user.CreatedAt), (current.Id, current.Username, current.Email, current.CreatedAt));
        Assert.Equal(user.Roles, current.Roles);

        using var anonymous = await SendAsync(Client, HttpMethod.Get, "/api/me");
        await ReadProblemAsync(anonymous, HttpStatusCode.Unauthorized);
        Assert.Contains("Bearer", anonymous.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);

        using var garbage = await SendAsync(Client, HttpMethod.Get, "/api/me", token: byName.AccessToken[..^4] + "AAAA");
        await ReadProblemAsync(garbage, HttpStatusCode.Unauthorized);
    }

    [SkippableFact]
    public async Task Should_answer_wrong_password_and_unknown_user_with_the_same_401()
    {
        SkipIfUnavailable();
        var user = await RegisterAsync(Client, NewUsername("pw"));

        using var wrongPassword = await PostAsync(Client, "/api/auth/login", new { login = user.Username, password = "Wrong-Passw0rd" });
        using var unknownUser = await PostAsync(Client, "/api/auth/login", new { login = NewUsername("nobody"), password = Password });

        var first = await ReadProblemAsync(wrongPassword, HttpStatusCode.Unauthorized);
        var second = await ReadProblemAsync(unknownUser, HttpStatusCode.Unauthorized);
        Assert.Equal(first.GetProperty("title").GetString(), second.GetProperty("title").GetString());
    }

    [SkippableFact]
    public async Task Should_rotate_refresh_tokens_and_revoke_the_family_on_reuse()
    {
        SkipIfUnavailable();
        var (_, first) = await RegisterAndLoginAsync(Client, "rot");

        using var rotated = await PostAsync(Client, "/api/auth/refresh", new { refreshToken = first.RefreshToken });
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var second = (await rotated.Content.ReadFromJsonAsync<TokenDto>())!;
        Assert.NotEqual(first.RefreshToken, second.RefreshToken);
        using (var me = await SendAsync(Client, HttpMethod.Get, "/api/me", token: second.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        }

        // Replaying the consumed token is treated as theft: it fails, and so does its descendant.
        using var replay = await PostAsync(Client, "/api/auth/refresh", new { refreshToken = first.RefreshToken });
        await ReadProblemAsync(replay, HttpStatusCode.Unauthorized);
        using var descendant = await PostAsync(Client, "/api/auth/refresh", new { refreshToken = second.RefreshToken });
        await ReadProblemAsync(descendant, HttpStatusCode.Unauthorized);

        using var unknown = await PostAsync(Client, "/api/auth/refresh", new { refreshToken = "not-a-token" });
        await ReadProblemAsync(unknown, HttpStatusCode.Unauthorized);
    }

    [SkippableFact]
    public async Task Should_logout_idempotently_and_end_the_refresh_family()
    {
        SkipIfUnavailable();
        var (_, tokens) = await RegisterAndLoginAsync(Client, "out");

        using (var logout = await PostAsync(Client, "/api/auth/logout", new { refreshToken = tokens.RefreshToken }))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }
        using (var again = await PostAsync(Client, "/api/auth/logout", new { refreshToken = tokens.RefreshToken }))
        {
            Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        }
        using var refresh = await PostAsync(Client, "/api/auth/refresh", new { refreshToken = tokens.RefreshToken });
        await ReadProblemAsync(refresh, HttpStatusCode.Unauthorized);
    }

    [SkippableFact]
    public async Task Should_lock_an_account_after_repeated_failures_with_429_and_retry_after()
    {
        SkipIfUnavailable();
        var user = await RegisterAsync(Client, NewUsername("lock"));
        for (var i = 0; i < 3; i++)
        {
            using var failure = await PostAsync(Client, "/api/auth/login", new { login = user.Username, password = "Wrong-Passw0rd" });
            Assert.Equal(HttpStatusCode.Unauthorized, failure.StatusCode);
        }

        // This address is locked out of the account: even the right password from it is refused until the lockout ends.
        using var locked = await PostAsync(Client, "/api/auth/login", new { login = user.Username, password = Password });
        await ReadProblemAsync(locked, HttpStatusCode.TooManyRequests);
        var retryAfter = locked.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value.TotalSeconds, 290, 300);
    }

    [SkippableFact]
    public async Task Should_limit_login_attempts_per_client_address()
    {
        SkipIfUnavailable();
        var settings = IdentityAppFixture.Settings();
        settings["Identity:Throttle:IpAttemptsPerMinute"] = "3";
        await using var app = await IdentityTestApp.StartAsync(Fixture.Database.Options!, Fixture.Temp.Sub("ip-limit"), settings);

        for (var i = 0; i < 3; i++)
        {
            // An empty password fails before any hashing, so this costs no PBKDF2 work.
            using var attempt = await PostAsync(app.Client, "/api/auth/login", new { login = "someone", password = "" });
            Assert.Equal(HttpStatusCode.Unauthorized, attempt.StatusCode);
        }
        using var limited = await PostAsync(app.Client, "/api/auth/login", new { login = "someone", password = "" });
        await ReadProblemAsync(limited, HttpStatusCode.TooManyRequests);
        Assert.InRange(limited.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 60);
    }
}
