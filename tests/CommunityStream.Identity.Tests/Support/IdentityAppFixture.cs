namespace CommunityStream.Identity.Tests.Support;

/// <summary>One database and one running app per test class; tests use their own users, so they share it safely.</summary>
public abstract class IdentityAppFixture : IAsyncLifetime
{
    public const string AdminUsername = "root_admin";
    public const string AdminEmail = "root@example.test";
    public const string AdminPassword = "Adm1n-Passw0rd!";

    private readonly Lazy<Task<string>> _adminToken;

    protected IdentityAppFixture()
    {
        _adminToken = new Lazy<Task<string>>(async () => (await ApiClient.LoginAsync(App.Client, AdminUsername, AdminPassword)).AccessToken);
    }

    public TempDirectory Temp { get; } = new();

    public TestDatabase Database { get; private set; } = null!;

    public IdentityTestApp App { get; private set; } = null!;

    public string? SkipReason => Database.SkipReason;

    /// <summary>Generous IP limits (every test shares 127.0.0.1) and a short failure count to keep PBKDF2 work down.</summary>
    public static Dictionary<string, string?> Settings(string? dataSuffix = null) => new()
    {
        ["Identity:Throttle:IpAttemptsPerMinute"] = "10000",
        ["Identity:Throttle:RegisterAttemptsPerMinute"] = "10000",
        ["Identity:Throttle:AccountFailures"] = "3",
        ["Identity:Admin:Username"] = AdminUsername,
        ["Identity:Admin:Email"] = AdminEmail,
        ["Identity:Admin:Password"] = AdminPassword,
        ["Identity:Jwt:Issuer"] = "communitystream-tests" + dataSuffix,
    };

    protected abstract Task<TestDatabase> CreateDatabaseAsync(TempDirectory temp);

    public async Task InitializeAsync()
    {
        try
        {
            Database = await CreateDatabaseAsync(Temp);
        }
        catch
        {
            // xunit does not dispose a fixture whose initialisation failed.
            Temp.Dispose();
            throw;
        }
        if (SkipReason is null)
        {
            App = await IdentityTestApp.StartAsync(Database.Options!, Temp.Sub("data"), Settings());
        }
    }

    /// <summary>One admin login per fixture: each login costs a PBKDF2 run.</summary>
    public Task<string> AdminTokenAsync() => _adminToken.Value;

    public async Task DisposeAsync()
    {
        if (App is not null)
        {
            await App.DisposeAsync();
        }
        await Database.DisposeAsync();
        Temp.Dispose();
    }
}

public sealed class SqliteAppFixture : IdentityAppFixture
{
    protected override Task<TestDatabase> CreateDatabaseAsync(TempDirectory temp) => Task.FromResult(TestDatabase.CreateSqlite(temp.Path));
}

public sealed class PostgresAppFixture : IdentityAppFixture
{
    protected override Task<TestDatabase> CreateDatabaseAsync(TempDirectory temp) => TestDatabase.CreatePostgresAsync();
}
