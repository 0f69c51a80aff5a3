using System.Globalization;
using System.Text.RegularExpressions;
using CommunityStream.Host.Tests.Support;

namespace CommunityStream.Host.Tests.Deployment;

/// <summary>
/// docker/compose.yaml checked without Docker (no engine here): each node's media UDP port is published under its own
/// number and announced at the host's address, the admin listener stays off the host, and every <c>CS_</c> variable is
/// a setting the Host reads.
/// </summary>
public sealed partial class ComposeFileTests
{
    private static readonly Dictionary<object, object> Compose =
        Assert.Single(Yaml.LoadAll(Path.Combine(RepositoryPaths.Root, "docker", "compose.yaml")));

    // The Host's services are the ones built from docker/Dockerfile.
    private static readonly List<(string Name, object Service)> Nodes = Compose.Map("services")
        .Where(s => s.Value.Text("build.dockerfile") == "docker/Dockerfile")
        .Select(s => ((string)s.Key, s.Value)).ToList();

    [Fact]
    public void Should_run_two_nodes_whose_dependencies_exist()
    {
        Assert.Equal(["node1", "node2"], Nodes.Select(n => n.Name));
        foreach (var (name, service) in Nodes)
        {
            foreach (var dependency in service.Map("depends_on").Keys.Cast<string>())
            {
                Assert.True(Compose.Map("services").ContainsKey(dependency), $"{name} depends on a service '{dependency}' that does not exist");
            }
        }
    }

    [Fact]
    public void Should_publish_each_nodes_UDP_port_under_the_number_it_announces()
    {
        var published = new HashSet<int>();
        foreach (var (name, service) in Nodes)
        {
            var environment = service.Strings("environment");
            var port = int.Parse(environment["CS_Media__UdpPort"], CultureInfo.InvariantCulture);
            var udp = service.List("ports").Cast<string>().Select(ParsePort).Where(p => p.Protocol == "udp").ToList();
            var mapping = Assert.Single(udp);
            // The SDP answer names the host's address and the node's own port: the host must forward that very port.
            Assert.True(mapping.Host == port && mapping.Container == port, $"{name} publishes {mapping.Host}->{mapping.Container}/udp but Media:UdpPort is {port}");
            Assert.True(published.Add(port), $"{name} shares UDP port {port} with another node on the same announced address");
        }
    }

    [Fact]
    public void Should_announce_an_address_wherever_media_binds_every_interface()
    {
        foreach (var (name, service) in Nodes)
        {
            var environment = service.Strings("environment");
            Assert.Equal("0.0.0.0", environment["CS_Media__BindAddress"]);
            Assert.True(environment.TryGetValue("CS_Media__AnnouncedAddresses__0", out var announced), $"{name} binds 0.0.0.0 but announces nothing");
            // From the operator's environment, and required: compose stops with the message when it is missing.
            Assert.Matches(@"^\$\{CS_PUBLIC_IP:\?.+\}$", announced);
        }
    }

    [Fact]
    public void Should_keep_the_admin_listener_on_the_compose_network()
    {
        foreach (var (name, service) in Nodes)
        {
            var environment = service.Strings("environment");
            var admin = new Uri(environment["CS_Admin__Url"]);
            Assert.Equal("0.0.0.0", admin.Host);
            Assert.Equal("true", environment["CS_Admin__AllowRemote"]);
            // From the operator's environment (required, or a public placeholder for local try-outs, as for the JWT key).
            Assert.Matches(@"^\$\{CS_ADMIN_API_KEY(:\?|:-).+\}$", environment["CS_Admin__ApiKey"]);
            var containerPorts = service.List("ports").Cast<string>().Select(p => ParsePort(p).Container);
            Assert.DoesNotContain(admin.Port, containerPorts);
        }
    }

    [Fact]
    public void Should_only_set_CS_variables_the_Host_reads()
    {
        foreach (var (name, service) in Nodes)
        {
            foreach (var variable in service.Strings("environment").Keys)
            {
                Assert.StartsWith(HostBuilderExtensions.EnvironmentPrefix, variable, StringComparison.Ordinal);
                Assert.True(KnownSettings.IsKnown(KnownSettings.KeyOf(variable)), $"{name}: {variable} maps to {KnownSettings.KeyOf(variable)}, which the Host does not read");
            }
        }
    }

    [Fact]
    public void Should_name_a_setting_that_does_not_exist()
    {
        // The check above can fail: a misspelt variable is caught.
        Assert.False(KnownSettings.IsKnown(KnownSettings.KeyOf("CS_Media__AnnouncedAddress__0")));
        Assert.True(KnownSettings.IsKnown(KnownSettings.KeyOf("CS_Media__IceServers__1__Credential")));
        Assert.True(KnownSettings.IsKnown(KnownSettings.KeyOf("CS_Identity__Throttle__IpAttemptsPerMinute")));
    }

    // "[ip:]host:container[/protocol]" (the short syntax this file uses).
    private static (int Host, int Container, string Protocol) ParsePort(string spec)
    {
        var match = PortSpec().Match(spec);
        Assert.True(match.Success, $"port mapping '{spec}' is not [ip:]host:container[/protocol]");
        return (int.Parse(match.Groups["host"].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups["container"].Value, CultureInfo.InvariantCulture),
            match.Groups["protocol"].Success ? match.Groups["protocol"].Value : "tcp");
    }

    [GeneratedRegex(@"^(?:[0-9.]+:)?(?<host>\d+):(?<container>\d+)(?:/(?<protocol>tcp|udp))?$")]
    private static partial Regex PortSpec();
}
