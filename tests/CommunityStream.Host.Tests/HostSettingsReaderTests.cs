using CommunityStream.BuildingBlocks;
using CommunityStream.Host.Configuration;
using Microsoft.Extensions.Configuration;

namespace CommunityStream.Host.Tests;

public sealed class HostSettingsReaderTests : IDisposable
{
    private readonly TempDirectory _workingDirectory = new();

    public void Dispose() => _workingDirectory.Dispose();

    [Fact]
    public void Should_default_to_loopback_HTTP_a_data_directory_and_a_SQLite_file_in_it()
    {
        var settings = Read();

        Assert.Equal(["http://127.0.0.1:8080"], settings.Urls);
        Assert.Equal(Path.Combine(_workingDirectory.Path, "data"), settings.DataDirectory);
        Assert.True(Directory.Exists(settings.DataDirectory));
        Assert.Equal(DatabaseProvider.Sqlite, settings.Database.Provider);
        Assert.Contains(Path.Combine(settings.DataDirectory, "communitystream.db"), settings.Database.ConnectionString, StringComparison.Ordinal);
        Assert.Equal(ClusterDiscovery.None, settings.Cluster.Discovery);
        Assert.Equal(4053, settings.Cluster.Port);
        Assert.Empty(settings.Cluster.SeedNodes);
    }

    [Fact]
    public void Should_default_the_admin_listener_to_loopback_9110_without_an_api_key()
    {
        var admin = Read().Admin;

        Assert.Equal(System.Net.IPAddress.Loopback, admin.Address);
        Assert.Equal(9110, admin.Port);
        Assert.False(admin.AllowRemote);
        Assert.Null(admin.ApiKey);
    }

    [Fact]
    public void Should_bind_the_admin_listener_beyond_loopback_only_when_allowed()
    {
        var refused = Assert.Throws<StartupConfigurationException>(() => Read(("Admin:Url", "http://10.1.2.3:9110")));
        Assert.Contains("Admin:AllowRemote", refused.Message, StringComparison.Ordinal);

        var admin = Read(("Admin:Url", "http://10.1.2.3:9110"), ("Admin:AllowRemote", "true")).Admin;
        Assert.Equal(System.Net.IPAddress.Parse("10.1.2.3"), admin.Address);
    }

    [Fact]
    public void Should_never_echo_a_short_api_key()
    {
        var error = Assert.Throws<StartupConfigurationException>(() => Read(("Admin:ApiKey", "tiny-secret")));

        Assert.DoesNotContain("tiny-secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_read_PostgreSQL_seed_nodes_and_discovery_settings()
    {
        var settings = Read(
            ("Persistence:Provider", "postgresql"),
            ("Persistence:ConnectionString", "Host=db;Database=cs;Username=u;Password=p"),
            ("Cluster:Discovery", "Config"),
            ("Cluster:ConfigEndpoints:0", "node1:4053"),
            ("Cluster:ConfigEndpoints:1", "node2:4053"),
            ("Cluster:RequiredContactPoints", "2"));

        Assert.Equal(DatabaseProvider.PostgreSql, settings.Database.Provider);
        Assert.Contains("Host=db", settings.Database.ConnectionString, StringComparison.Ordinal);
        Assert.Equal(ClusterDiscovery.Config, settings.Cluster.Discovery);
        Assert.Equal(["node1:4053", "node2:4053"], settings.Cluster.ConfigEndpoints);
    }

    [Theory]
    [InlineData("urls", "http://127.0.0.1:9001", "http://127.0.0.1:9001")]
    [InlineData("urls", "http://127.0.0.1:9001;http://127.0.0.1:9002", "http://127.0.0.1:9001|http://127.0.0.1:9002")]
    [InlineData("http_ports", "9003", "http://0.0.0.0:9003")]
    public void Should_take_ASP_NET_Core_address_settings_as_aliases_of_Http_Url(string key, string value, string expected)
    {
        var settings = Read((key, value));

        Assert.Equal(expected.Split('|'), settings.Urls);
    }

    [Fact]
    public void Should_accept_Http_Url_and_urls_that_agree()
    {
        var settings = Read(("Http:Url", "http://127.0.0.1:9001"), ("urls", "http://127.0.0.1:9001"));

        Assert.Equal(["http://127.0.0.1:9001"], settings.Urls);
    }

    [Theory]
    [InlineData("urls", "http://127.0.0.1:9002", "--urls / ASPNETCORE_URLS")]
    [InlineData("http_ports", "9002", "ASPNETCORE_HTTP_PORTS")]
    public void Should_refuse_Http_Url_and_an_ASP_NET_Core_address_that_disagree(string key, string value, string named)
    {
        var error = Assert.Throws<StartupConfigurationException>(() => Read(("Http:Url", "http://127.0.0.1:9001"), (key, value)));

        Assert.Contains("CS_Http__Url", error.Message, StringComparison.Ordinal);
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Persistence:Provider", "MongoDb", "CS_Persistence__Provider")]
    [InlineData("Http:Url", "not a url", "CS_Http__Url")]
    [InlineData("Cluster:Port", "70000", "CS_Cluster__Port")]
    [InlineData("Cluster:Hostname", " ", "CS_Cluster__Hostname")]
    [InlineData("Cluster:SeedNodes:0", "akka.tcp://othersystem@h:1", "CS_Cluster__SeedNodes")]
    [InlineData("Cluster:RequiredContactPoints", "0", "CS_Cluster__RequiredContactPoints")]
    [InlineData("Cluster:Unknown", "1", "Cluster")]
    [InlineData("Http:Url", "http://127.0.0.1:8080/base", "CS_Http__Url")]
    [InlineData("Admin:Url", "https://127.0.0.1:9110", "CS_Admin__Url")]
    [InlineData("Admin:Url", "http://admin.example:9110", "CS_Admin__Url")]
    [InlineData("Admin:Url", "http://0.0.0.0:9110", "CS_Admin__Url")]
    [InlineData("Admin:Url", "http://127.0.0.1:8080", "CS_Admin__Url")]
    [InlineData("Admin:AllowRemote", "maybe", "CS_Admin__AllowRemote")]
    [InlineData("Admin:ApiKey", "short", "CS_Admin__ApiKey")]
    public void Should_reject_a_bad_setting_naming_it_and_its_environment_variable(string key, string value, string expected)
    {
        var error = Assert.Throws<StartupConfigurationException>(() => Read((key, value)));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Should_require_a_connection_string_for_PostgreSQL_and_never_echo_a_bad_one()
    {
        var missing = Assert.Throws<StartupConfigurationException>(() => Read(("Persistence:Provider", "PostgreSql")));
        Assert.Contains("is required", missing.Message, StringComparison.Ordinal);

        var malformed = Assert.Throws<StartupConfigurationException>(() => Read(
            ("Persistence:Provider", "PostgreSql"),
            ("Persistence:ConnectionString", "Password=hunter2-secret;;Bogus Key=1")));
        Assert.DoesNotContain("hunter2", malformed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_reject_discovery_combined_with_seed_nodes_and_config_discovery_without_endpoints()
    {
        Assert.Throws<StartupConfigurationException>(() => Read(("Cluster:Discovery", "Config")));
        Assert.Throws<StartupConfigurationException>(() => Read(
            ("Cluster:Discovery", "Kubernetes"),
            ("Cluster:SeedNodes:0", "akka.tcp://communitystream@h:4053")));
        Assert.Throws<StartupConfigurationException>(() => Read(
            ("Cluster:Discovery", "Config"),
            ("Cluster:ConfigEndpoints:0", "node1")));
    }

    private HostSettings Read(params (string Key, string Value)[] values)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build();
        return HostSettingsReader.Read(configuration, _workingDirectory.Path);
    }
}
