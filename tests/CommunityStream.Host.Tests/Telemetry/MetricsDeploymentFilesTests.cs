using System.Text.Json;
using System.Text.RegularExpressions;

namespace CommunityStream.Host.Tests.Telemetry;

/// <summary>
/// No Docker engine runs here, so the metrics deployment files are checked by their cross-references: compose mounts
/// the files that exist, Prometheus scrapes the compose file's node services on the admin port their settings open,
/// and the dashboard's data source is the one Grafana is provisioned with.
/// </summary>
public sealed partial class MetricsDeploymentFilesTests
{
    private static readonly string Docker = Path.Combine(RepositoryRoot(), "docker");

    [Fact]
    public void Should_scrape_every_node_service_on_the_admin_port_compose_opens()
    {
        var compose = File.ReadAllText(Path.Combine(Docker, "compose.yaml"));
        var prometheus = File.ReadAllText(Path.Combine(Docker, "prometheus", "prometheus.yml"));

        var adminPort = AdminUrl().Match(compose) is { Success: true } url ? url.Groups["port"].Value : null;
        Assert.Equal("9110", adminPort);
        Assert.Contains("CS_Admin__AllowRemote: \"true\"", compose, StringComparison.Ordinal);
        var nodeServices = NodeService().Matches(compose).Select(m => m.Groups["name"].Value).ToHashSet(StringComparer.Ordinal);
        Assert.NotEmpty(nodeServices);
        var targets = ScrapeTarget().Matches(prometheus).Select(m => (Host: m.Groups["host"].Value, Port: m.Groups["port"].Value)).ToList();
        Assert.Equal(nodeServices.Order(), targets.Select(t => t.Host).Order());
        Assert.All(targets, target => Assert.Equal(adminPort, target.Port));
        // The key Prometheus sends is the one the nodes accept, written by the service's entrypoint to the file the config names.
        Assert.Contains("credentials_file: /tmp/admin-api-key", prometheus, StringComparison.Ordinal);
        Assert.Contains("> /tmp/admin-api-key", compose, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_mount_the_provisioning_and_dashboard_files_that_exist()
    {
        var compose = File.ReadAllText(Path.Combine(Docker, "compose.yaml"));
        foreach (Match mount in RelativeMount().Matches(compose))
        {
            var path = Path.Combine(Docker, mount.Groups["path"].Value);
            Assert.True(File.Exists(path) || Directory.Exists(path), $"compose mounts {mount.Value}, which does not exist");
        }
        Assert.Contains("./grafana/dashboards:/var/lib/grafana/dashboards", compose, StringComparison.Ordinal);
        var provider = File.ReadAllText(Path.Combine(Docker, "grafana", "provisioning", "dashboards", "communitystream.yaml"));
        Assert.Contains("path: /var/lib/grafana/dashboards", provider, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_query_the_provisioned_data_source_in_every_panel()
    {
        var source = File.ReadAllText(Path.Combine(Docker, "grafana", "provisioning", "datasources", "prometheus.yaml"));
        var uid = Regex.Match(source, @"uid:\s*(\S+)").Groups[1].Value;
        using var dashboard = JsonDocument.Parse(File.ReadAllText(Path.Combine(Docker, "grafana", "dashboards", "communitystream.json")));
        var variable = dashboard.RootElement.GetProperty("templating").GetProperty("list").EnumerateArray().Single(v => v.GetProperty("name").GetString() == "datasource");
        Assert.Equal(uid, variable.GetProperty("current").GetProperty("value").GetString());
        var panels = dashboard.RootElement.GetProperty("panels").EnumerateArray().Where(p => p.TryGetProperty("targets", out _)).ToList();
        Assert.True(panels.Count >= 25, $"{panels.Count} panels");
        Assert.All(panels.SelectMany(p => p.GetProperty("targets").EnumerateArray()),
            target => Assert.Equal("${datasource}", target.GetProperty("datasource").GetProperty("uid").GetString()));
    }

    private static string RepositoryRoot()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "CommunityStream.sln")))
        {
            root = root.Parent ?? throw new InvalidOperationException("No CommunityStream.sln above the test's directory.");
        }
        return root.FullName;
    }

    [GeneratedRegex(@"CS_Admin__Url:\s*http://0\.0\.0\.0:(?<port>\d+)")]
    private static partial Regex AdminUrl();

    // The node services: top-level services whose body merges the shared node settings.
    [GeneratedRegex(@"^  (?<name>[a-z0-9-]+):\n    <<: \*node", RegexOptions.Multiline)]
    private static partial Regex NodeService();

    [GeneratedRegex(@"""(?<host>[a-z0-9-]+):(?<port>\d+)""")]
    private static partial Regex ScrapeTarget();

    [GeneratedRegex(@"- \./(?<path>[^:]+):")]
    private static partial Regex RelativeMount();
}
