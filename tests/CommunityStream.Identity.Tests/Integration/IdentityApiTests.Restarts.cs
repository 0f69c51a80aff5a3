using System.Data.Common;
using System.Net;
using CommunityStream.Identity.Contracts;
using CommunityStream.Identity.Persistence;
using CommunityStream.Identity.Tests.Support;
using static CommunityStream.Identity.Tests.Support.ApiClient;

namespace CommunityStream.Identity.Tests.Integration;

/// <summary>What must survive a restart: the schema (migrated once) and the generated signing key.</summary>
public abstract partial class IdentityApiTests
{
    [SkippableFact]
    public async Task Should_start_again_on_the_same_database_without_migrating_twice()
    {
        SkipIfUnavailable();
        await using (var second = await IdentityTestApp.StartAsync(Fixture.Database.Options!, Fixture.Temp.Sub("second-start"), IdentityAppFixture.Settings()))
        {
            var admin = await second.Get<IUserDirectory>().FindByUsernameAsync(IdentityAppFixture.AdminUsername, CancellationToken.None);
            Assert.NotNull(admin);
        }

        await using var connection = await Fixture.Database.Options!.OpenConnectionAsync();
        var latest = (long)SchemaMigrations.All.Count;
        Assert.Equal(latest, await CountAsync(connection, "SELECT COUNT(*) FROM identity_schema_version;"));
        Assert.Equal(latest, await CountAsync(connection, "SELECT MAX(version) FROM identity_schema_version;"));
        Assert.Equal(1L, await CountAsync(connection, $"SELECT COUNT(*) FROM identity_users WHERE username = '{IdentityAppFixture.AdminUsername}';"));
    }

    [SkippableFact]
    public async Task Should_generate_the_signing_key_once_and_accept_old_tokens_after_a_restart()
    {
        SkipIfUnavailable();
        var dataDirectory = Fixture.Temp.Sub("key-" + Guid.NewGuid().ToString("N")[..8]);
        var keyFile = Path.Combine(dataDirectory, "identity-signing.key");
        var settings = IdentityAppFixture.Settings();
        string token;
        string keyAfterFirstRun;
        await using (var first = await IdentityTestApp.StartAsync(Fixture.Database.Options!, dataDirectory, settings))
        {
            Assert.True(File.Exists(keyFile));
            keyAfterFirstRun = await File.ReadAllTextAsync(keyFile);
            Assert.Equal(64, Convert.FromBase64String(keyAfterFirstRun).Length);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
            }
            token = (await LoginAsync(first.Client, IdentityAppFixture.AdminUsername, IdentityAppFixture.AdminPassword)).AccessToken;
        }

        await using var second = await IdentityTestApp.StartAsync(Fixture.Database.Options!, dataDirectory, settings);
        Assert.Equal(keyAfterFirstRun, await File.ReadAllTextAsync(keyFile));
        using var me = await SendAsync(second.Client, HttpMethod.Get, "/api/me", token: token);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);

        // The fixture's app has another data directory, hence another key: the token means nothing there.
        using var elsewhere = await SendAsync(Client, HttpMethod.Get, "/api/me", token: token);
        Assert.Equal(HttpStatusCode.Unauthorized, elsewhere.StatusCode);
    }

    private static async Task<long> CountAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
