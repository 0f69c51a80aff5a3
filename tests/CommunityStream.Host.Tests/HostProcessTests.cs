using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using CommunityStream.Host.Tests.Support;

namespace CommunityStream.Host.Tests;

/// <summary>The Host binary as an operator runs it: defaults, readiness, SIGTERM, bad configuration.</summary>
[Collection(SerialHostTests.Name)]
public sealed class HostProcessTests
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Should_start_with_defaults_on_an_empty_data_directory_and_report_ready()
    {
        using var data = new TempDirectory();
        await using var host = HostProcess.Start(data.Path);

        await host.WaitReadyAsync(ReadyTimeout);

        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        using var ready = JsonDocument.Parse(await http.GetStringAsync(new Uri("/healthz/ready", UriKind.Relative)));
        var checks = ready.RootElement.GetProperty("checks").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("status").GetString());
        Assert.Equal("Healthy", checks["akka.cluster.join"]);
        Assert.Equal("Healthy", checks["database"]);
        Assert.Equal("Healthy", checks["akka.persistence.journal.sql"]);
        Assert.True(File.Exists(Path.Combine(data.Path, "communitystream.db")), "the SQLite file is created in the data directory");

        using var live = await http.GetAsync(new Uri("/healthz/live", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        using var openApi = JsonDocument.Parse(await http.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)));
        Assert.StartsWith("3.", openApi.RootElement.GetProperty("openapi").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_leave_the_cluster_and_exit_zero_on_SIGTERM()
    {
        using var data = new TempDirectory();
        await using var host = HostProcess.Start(data.Path);
        await host.WaitReadyAsync(ReadyTimeout);

        var exitCode = await host.TerminateAsync(ExitTimeout);

        Assert.Equal(0, exitCode);
        Assert.Contains("as [Leaving]", host.Output, StringComparison.Ordinal);
        Assert.Contains("Exiting completed", host.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--Persistence:Provider", "Oracle", "Persistence:Provider")]
    [InlineData("--Persistence:ConnectionString", "Host=;;==x", "Persistence:ConnectionString")]
    [InlineData("--Cluster:Discovery", "Carrier-Pigeon", "Cluster")]
    [InlineData("--Cluster:SeedNodes:0", "tcp://wrong", "Cluster:SeedNodes")]
    [InlineData("--Http:Url", "ftp://127.0.0.1:1", "Http:Url")]
    [InlineData("--urls", "http://127.0.0.1:1", "--urls / ASPNETCORE_URLS")]
    [InlineData("--Media:UdpPort", "70000", "Media:UdpPort")]
    [InlineData("--Media:BindAddress", "0.0.0.0", "Media:AnnouncedAddresses")]
    [InlineData("--Http:KnownProxies:0", "10.0.0", "Http:KnownProxies")]
    [InlineData("--Http:KnownNetworks:0", "10.0.0.1/8", "Http:KnownNetworks")]
    [InlineData("--Telemetry:OtlpEndpoint", "collector:4318", "Telemetry:OtlpEndpoint")]
    [InlineData("--Telemetry:OtlpEndpoint", "ftp://127.0.0.1:4318", "Telemetry:OtlpEndpoint")]
    public async Task Should_refuse_bad_configuration_with_one_clear_line(string key, string value, string named)
    {
        using var data = new TempDirectory();
        string[] extra = key == "--Persistence:ConnectionString" ? ["--Persistence:Provider", "PostgreSql", key, value] : [key, value];
        await using var host = HostProcess.Start(data.Path, extra);

        var exitCode = await host.WaitForExitAsync(ExitTimeout);

        Assert.Equal(2, exitCode);
        var line = Assert.Single(host.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("CommunityStream could not start:", line, StringComparison.Ordinal);
        Assert.Contains(named, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_refuse_a_media_UDP_port_that_is_in_use_naming_the_setting()
    {
        using var data = new TempDirectory();
        using var squatter = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)squatter.Client.LocalEndPoint!).Port;

        await using var host = HostProcess.Start(data.Path, "--Media:UdpPort", port.ToString(CultureInfo.InvariantCulture));
        var exitCode = await host.WaitForExitAsync(ExitTimeout);

        Assert.Equal(2, exitCode);
        var line = Assert.Single(host.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("CommunityStream could not start: Media UDP port cannot be bound", line, StringComparison.Ordinal);
        Assert.Contains("Media:UdpPort", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_refuse_an_HTTP_port_that_is_in_use()
    {
        using var data = new TempDirectory();
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;

        await using var host = HostProcess.StartOn(port, data.Path);
        var exitCode = await host.WaitForExitAsync(ExitTimeout);

        Assert.Equal(2, exitCode);
        Assert.Contains("already in use", host.Errors, StringComparison.Ordinal);
        Assert.Contains("Http:Url", host.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_refuse_an_admin_port_another_node_listens_on()
    {
        // Two nodes on one machine that both keep the default Admin:Url: the second must say so, not half-start.
        using var first = new TempDirectory();
        using var second = new TempDirectory();
        var adminUrl = $"http://127.0.0.1:{FreePort.Next().ToString(CultureInfo.InvariantCulture)}";
        await using var running = HostProcess.Start(first.Path, "--Admin:Url", adminUrl);
        await running.WaitReadyAsync(TimeSpan.FromSeconds(60));

        await using var host = HostProcess.Start(second.Path, "--Admin:Url", adminUrl);
        var exitCode = await host.WaitForExitAsync(ExitTimeout);

        Assert.Equal(2, exitCode);
        Assert.Contains("Admin:Url", host.Errors, StringComparison.Ordinal);
        Assert.Contains("already in use", host.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_refuse_a_non_loopback_admin_address_without_AllowRemote()
    {
        using var data = new TempDirectory();
        await using var host = HostProcess.Start(data.Path, "--Admin:Url", "http://0.0.0.0:0");
        var exitCode = await host.WaitForExitAsync(ExitTimeout);

        Assert.Equal(2, exitCode);
        Assert.Contains("Admin:Url", host.Errors, StringComparison.Ordinal);
        Assert.Contains("Admin:AllowRemote", host.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_refuse_a_cluster_port_another_node_listens_on()
    {
        // A running node, not a plain listener: Akka.Remote's own socket let a second node bind the same port.
        using var first = new TempDirectory();
        using var second = new TempDirectory();
        var port = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
        await using var running = HostProcess.Start(first.Path, "--Cluster:Port", port);
        await running.WaitReadyAsync(TimeSpan.FromSeconds(60));

        await using var host = HostProcess.Start(second.Path, "--Cluster:Port", port);
        var exitCode = await host.WaitForExitAsync(ExitTimeout);

        Assert.Equal(2, exitCode);
        Assert.Contains("Cluster:Port", host.Errors, StringComparison.Ordinal);
        Assert.Contains("already in use", host.Errors, StringComparison.Ordinal);
    }
}
