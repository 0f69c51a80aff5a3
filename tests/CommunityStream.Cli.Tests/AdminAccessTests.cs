using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using CommunityStream.Cli.Tests.Support;
using CommunityStream.Host.Admin;
using CommunityStream.Host.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CommunityStream.Cli.Tests;

/// <summary>Who may use the admin API and where: tokens, the api key, the two listeners, login, usage errors.</summary>
[Collection(TwoNodeClusterGroup.Name)]
public sealed class AdminAccessTests(TwoNodeCluster cluster)
{
    [Fact]
    public async Task Should_refuse_a_wrong_token_with_401_and_exit_1()
    {
        var run = await CliRun.AgainstAsync(cluster.First, "not-a-token", "cluster", "show");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("401", run.Error, StringComparison.Ordinal);
        Assert.Contains("csctl login", run.Error, StringComparison.Ordinal);
        Assert.Equal("", run.Output);
    }

    [Fact]
    public async Task Should_refuse_a_missing_token_with_401()
    {
        var run = await CliRun.AgainstAsync(cluster.First, token: null, "node", "info");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("401", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_refuse_a_valid_token_of_a_non_admin_with_403()
    {
        var run = await CliRun.AgainstAsync(cluster.First, cluster.ViewerToken, "cluster", "show");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("403", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_exit_2_on_a_usage_error_without_calling_the_node()
    {
        var unknown = await CliRun.RunAsync(["cluster", "frobnicate"]);
        var missing = await CliRun.RunAsync(["sharding", "shards"]);
        var badLevel = await CliRun.RunAsync(["log", "level", "CommunityStream.Chat", "Loud"]);
        var badUrl = await CliRun.RunAsync(["node", "info", "--url", "ftp://x"]);

        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("frobnicate", unknown.Error, StringComparison.Ordinal);
        Assert.Equal(2, missing.ExitCode);
        Assert.Equal(2, badLevel.ExitCode);
        Assert.Equal(2, badUrl.ExitCode);
        Assert.Contains("--url", badUrl.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_print_help_and_exit_0()
    {
        var run = await CliRun.RunAsync(["--help"]);

        Assert.Equal(0, run.ExitCode);
        foreach (var palette in new[] { "cluster", "sharding", "node", "log", "login", "logout" })
        {
            Assert.Contains(palette, run.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Should_log_in_store_the_token_readable_by_the_owner_only_and_use_it()
    {
        using var config = new TempDirectory();
        var url = cluster.First.AdminAddress.ToString();

        var login = await CliRun.RunAsync(["login", "--username", "root", "--password-stdin", "--url", url], config.Path, InProcessNode.Password + "\n");
        var file = Path.Combine(config.Path, "credentials.json");
        var show = await CliRun.RunAsync(["cluster", "status"], config.Path);
        var logout = await CliRun.RunAsync(["logout"], config.Path);

        Assert.True(login.ExitCode == 0, login.ToString());
        Assert.DoesNotContain(InProcessNode.Password, login.Output, StringComparison.Ordinal);
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains("Leader", show.Output, StringComparison.Ordinal);
        Assert.Equal(0, logout.ExitCode);
        Assert.False(File.Exists(file));
        var again = await CliRun.RunAsync(["cluster", "status", "--url", url], config.Path);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("401", again.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_send_the_stored_token_only_to_the_url_it_was_issued_for()
    {
        using var config = new TempDirectory();
        var login = await CliRun.RunAsync(["login", "-u", "root", "--password-stdin", "--url", cluster.First.AdminAddress.ToString()], config.Path, InProcessNode.Password + "\n");

        // The other node accepts the same token (one signing key), so only the rule can make this a 401.
        var elsewhere = await CliRun.RunAsync(["cluster", "status", "--url", cluster.Second.AdminAddress.ToString()], config.Path);
        var home = await CliRun.RunAsync(["cluster", "status", "--url", cluster.First.AdminAddress.ToString().TrimEnd('/')], config.Path);

        Assert.True(login.ExitCode == 0, login.ToString());
        Assert.Equal(1, elsewhere.ExitCode);
        Assert.Contains("401", elsewhere.Error, StringComparison.Ordinal);
        Assert.True(home.ExitCode == 0, home.ToString());
    }

    [Fact]
    public async Task Should_take_the_url_and_token_from_CSCTL_variables_and_let_options_override_them()
    {
        var url = cluster.Second.AdminAddress.ToString();

        var fromEnvironment = await CliRun.RunAsync(["cluster", "leader"], null, "", url, TwoNodeCluster.ApiKey);
        var overridden = await CliRun.RunAsync(["cluster", "leader", "--token", "wrong-token"], null, "", url, TwoNodeCluster.ApiKey);

        Assert.True(fromEnvironment.ExitCode == 0, fromEnvironment.ToString());
        Assert.StartsWith("akka.tcp://", fromEnvironment.Output, StringComparison.Ordinal);
        Assert.Equal(1, overridden.ExitCode);
        Assert.Contains("401", overridden.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_write_the_credentials_file_with_mode_0600()
    {
        using var config = new TempDirectory();

        var login = await CliRun.RunAsync(["login", "-u", "root", "--password-stdin", "--url", cluster.Second.AdminAddress.ToString()], config.Path, InProcessNode.Password + "\n");

        Assert.True(login.ExitCode == 0, login.ToString());
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        var mode = File.GetUnixFileMode(Path.Combine(config.Path, "credentials.json"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
    }

    [Fact]
    public async Task Should_refuse_the_admin_login_to_a_non_admin_and_a_wrong_password()
    {
        using var config = new TempDirectory();
        var url = cluster.First.AdminAddress.ToString();

        var viewer = await CliRun.RunAsync(["login", "-u", "viewer1", "--password-stdin", "--url", url], config.Path, InProcessNode.Password + "\n");
        var wrong = await CliRun.RunAsync(["login", "-u", "root", "--password-stdin", "--url", url], config.Path, "wrong-password\n");

        Assert.Equal(1, viewer.ExitCode);
        Assert.Contains("403", viewer.Error, StringComparison.Ordinal);
        Assert.Equal(1, wrong.ExitCode);
        Assert.Contains("401", wrong.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(config.Path, "credentials.json")));
    }

    [Fact]
    public async Task Should_change_a_log_level_at_run_time()
    {
        const string category = "CommunityStream.CliTests.Probe";
        var logger = cluster.Second.App.Services.GetRequiredService<ILoggerFactory>().CreateLogger(category);
        Assert.False(logger.IsEnabled(LogLevel.Debug));

        var set = await CliRun.AgainstAsync(cluster.Second, cluster.AdminToken, "log", "level", category, "Debug");
        await Eventually.True(() => logger.IsEnabled(LogLevel.Debug), TimeSpan.FromSeconds(5), "the Debug level to take effect");
        var list = await CliRun.AgainstAsync(cluster.Second, cluster.AdminToken, "log", "levels");
        var reset = await CliRun.AgainstAsync(cluster.Second, cluster.AdminToken, "log", "level", category, "reset");
        await Eventually.True(() => !logger.IsEnabled(LogLevel.Debug), TimeSpan.FromSeconds(5), "the override to be dropped");

        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.Contains(category, list.Output, StringComparison.Ordinal);
        Assert.Equal(0, reset.ExitCode);
    }

    [Fact]
    public async Task Should_audit_admin_actions_with_who_did_them_and_never_the_key()
    {
        var audit = new CapturingLoggerProvider(AdminAudit.Category);
        cluster.First.App.Services.GetRequiredService<ILoggerFactory>().AddProvider(audit);
        const string category = "CommunityStream.CliTests.Audited";

        var byKey = await CliRun.AgainstAsync(cluster.First, TwoNodeCluster.ApiKey, "log", "level", category, "Error");
        var byAdmin = await CliRun.AgainstAsync(cluster.First, cluster.AdminToken, "log", "level", category, "reset");
        var read = await CliRun.AgainstAsync(cluster.First, cluster.AdminToken, "log", "levels");

        Assert.Equal(0, byKey.ExitCode + byAdmin.ExitCode + read.ExitCode);
        var lines = audit.Messages.Where(line => line.Contains(category, StringComparison.Ordinal)).ToList();
        Assert.Contains(lines, line => line.StartsWith("Information:", StringComparison.Ordinal) && line.Contains("api-key PUT", StringComparison.Ordinal) && line.Contains("=Error", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.Contains("root DELETE", StringComparison.Ordinal));
        Assert.Equal(2, lines.Count);
        Assert.DoesNotContain(audit.Messages, line => line.Contains(TwoNodeCluster.ApiKey, StringComparison.Ordinal) || line.Contains(cluster.AdminToken, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Should_serve_admin_endpoints_only_on_the_admin_listener()
    {
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TwoNodeCluster.ApiKey);
        var publicBase = cluster.First.BaseAddress;
        var adminBase = cluster.First.AdminAddress;

        using var adminOnPublic = await http.GetAsync(new Uri(publicBase, "/admin/v1/cluster"));
        // A forged Host header naming the admin port changes nothing: the accepting listener decides.
        using var forged = new HttpRequestMessage(HttpMethod.Get, new Uri(publicBase, "/admin/v1/cluster"));
        forged.Headers.Host = adminBase.Authority;
        using var forgedResponse = await http.SendAsync(forged);
        using var publicOnAdmin = await http.GetAsync(new Uri(adminBase, "/api/rooms"));
        using var healthOnAdmin = await http.GetAsync(new Uri(adminBase, "/healthz/live"));
        using var adminOnAdmin = await http.GetAsync(new Uri(adminBase, "/admin/v1/cluster"));

        Assert.Equal(HttpStatusCode.NotFound, adminOnPublic.StatusCode);
        Assert.Equal("application/problem+json", adminOnPublic.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, forgedResponse.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, publicOnAdmin.StatusCode);
        Assert.Equal(HttpStatusCode.OK, healthOnAdmin.StatusCode);
        Assert.Equal(HttpStatusCode.OK, adminOnAdmin.StatusCode);
    }

    [Fact]
    public async Task Should_not_accept_chat_sockets_on_the_admin_listener()
    {
        // Chat's pre-HTTP upgrade runs on the public listeners only; anonymous sockets are welcome there.
        using var onPublic = new ClientWebSocket();
        await onPublic.ConnectAsync(cluster.First.WebSocketUri(), CancellationToken.None);
        using var onAdmin = new ClientWebSocket();

        await Assert.ThrowsAsync<WebSocketException>(() => onAdmin.ConnectAsync(new Uri($"ws://{cluster.First.AdminAddress.Authority}/ws"), CancellationToken.None));
        Assert.Equal(WebSocketState.Open, onPublic.State);
    }

    [Fact]
    public async Task Should_refuse_a_non_loopback_admin_bind_without_AllowRemote()
    {
        var error = await Assert.ThrowsAsync<StartupConfigurationException>(() => InProcessNode.StartAsync("--Admin:Url", "http://0.0.0.0:0"));

        Assert.Contains("Admin:Url", error.Message, StringComparison.Ordinal);
        Assert.Contains("Admin:AllowRemote", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_keep_csctl_a_thin_client_that_references_nothing_of_the_server()
    {
        var references = typeof(Csctl).Assembly.GetReferencedAssemblies().Select(reference => reference.Name!).ToList();

        Assert.DoesNotContain(references, name => name.StartsWith("CommunityStream.", StringComparison.Ordinal) || name.StartsWith("Akka", StringComparison.Ordinal));
        Assert.Contains("System.CommandLine", references);
    }

    [Fact]
    public void Should_mask_passwords_inside_connection_strings_and_urls()
    {
        Assert.Equal("Host=db;Password=***;Username=u", MaskedConfiguration.MaskValue("Persistence:ConnectionString", "Host=db;Password=hunter2;Username=u"));
        Assert.Equal("http://user:***@proxy:3128", MaskedConfiguration.MaskValue("Proxy:Url", "http://user:pa55@proxy:3128"));
        Assert.Equal("***", MaskedConfiguration.MaskValue("Identity:Jwt:SigningKey", "abc"));
        Assert.Equal("Information", MaskedConfiguration.MaskValue("Logging:LogLevel:Default", "Information"));
    }
}
