using System.Globalization;
using System.Text.RegularExpressions;
using CommunityStream.Host.Tests.Support;

namespace CommunityStream.Host.Tests.Deployment;

/// <summary>
/// docker/k8s/ checked without a cluster (no kubeconform schemas here): every file parses, and the names that must
/// line up do — selectors and labels, named ports, probe paths against the Host's real routes, RBAC, the Secret's keys,
/// every <c>CS_</c> variable against the settings the Host reads, and the media and admin rules of docs/operations.md.
/// </summary>
public sealed class KubernetesManifestTests
{
    private static readonly string Directory = Path.Combine(RepositoryPaths.Root, "docker", "k8s");

    private static readonly List<Dictionary<object, object>> Documents = System.IO.Directory
        .GetFiles(Directory, "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
        .SelectMany(Yaml.LoadAll).ToList();

    private static Dictionary<object, object> Deployment => Single("Deployment", "communitystream");

    private static object PodSpec => Deployment.At("spec.template.spec")!;

    private static object Container => Assert.Single(PodSpec.List("containers"));

    [Fact]
    public void Should_give_every_document_a_kind_an_api_version_and_a_name()
    {
        Assert.True(Documents.Count >= 9, $"{Documents.Count} documents");
        foreach (var document in Documents)
        {
            Assert.False(string.IsNullOrEmpty(document.Text("apiVersion")), "apiVersion missing");
            Assert.False(string.IsNullOrEmpty(document.Text("kind")), "kind missing");
            Assert.Matches("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", document.Text("metadata.name") ?? "");
        }
        Assert.Equal(Documents.Count, Documents.Select(d => (d.Text("kind"), d.Text("metadata.name"))).Distinct().Count());
    }

    [Fact]
    public void Should_select_the_pod_template_from_the_deployment_services_budget_and_anti_affinity()
    {
        var labels = Deployment.Strings("spec.template.metadata.labels");
        AssertSubset(Deployment.Strings("spec.selector.matchLabels"), labels, "Deployment selector");
        foreach (var service in Of("Service"))
        {
            AssertSubset(service.Strings("spec.selector"), labels, $"Service {service.Text("metadata.name")}");
        }
        AssertSubset(Single("PodDisruptionBudget", "communitystream").Strings("spec.selector.matchLabels"), labels, "PodDisruptionBudget");
        var antiAffinity = Assert.Single(PodSpec.List("affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution"));
        AssertSubset(antiAffinity.Strings("labelSelector.matchLabels"), labels, "pod anti-affinity");
        Assert.Equal("kubernetes.io/hostname", antiAffinity.Text("topologyKey"));
        // Discovery finds the pods by Cluster:KubernetesPodLabelSelector, app={0} with {0} = Cluster:ServiceName.
        Assert.Equal(Env("CS_Cluster__ServiceName"), labels["app"]);
    }

    [Fact]
    public void Should_reference_only_container_ports_that_exist_with_their_protocol()
    {
        var ports = Container.List("ports").ToDictionary(p => p.Text("name")!, p => p.Text("protocol") ?? "TCP");
        foreach (var service in Of("Service"))
        {
            foreach (var port in service.List("spec.ports"))
            {
                var target = port.Text("targetPort")!;
                Assert.True(ports.TryGetValue(target, out var protocol), $"Service {service.Text("metadata.name")} targets port '{target}', which the container does not name");
                Assert.Equal(protocol, port.Text("protocol") ?? "TCP");
            }
        }
        foreach (var probe in new[] { "startupProbe", "readinessProbe", "livenessProbe" })
        {
            Assert.Contains(Container.Text($"{probe}.httpGet.port")!, ports.Keys);
        }
        // The Ingress reaches a Service port by name; the ServiceMonitor a Service port by name.
        var ingressBackend = Assert.Single(Single("Ingress", "communitystream").List("spec.rules")).List("http.paths").Single().At("backend.service");
        var backend = Single("Service", ingressBackend.Text("name")!);
        Assert.Contains(ingressBackend.Text("port.name"), backend.List("spec.ports").Select(p => p.Text("name")));
        Assert.Equal("http", Assert.Single(backend.List("spec.ports")).Text("targetPort"));
        var monitor = Single("ServiceMonitor", "communitystream");
        var scraped = Of("Service").Where(s => IsSubset(monitor.Strings("spec.selector.matchLabels"), s.Strings("metadata.labels"))).ToList();
        var admin = Assert.Single(scraped);
        Assert.Contains(Assert.Single(monitor.List("spec.endpoints")).Text("port"), admin.List("spec.ports").Select(p => p.Text("name")));
    }

    [Fact]
    public async Task Should_probe_the_Hosts_real_health_endpoints_and_give_its_shutdown_time_to_finish()
    {
        var host = await BuiltHost.BuildAsync();

        Assert.Equal("/healthz/ready", Container.Text("readinessProbe.httpGet.path"));
        foreach (var probe in new[] { "startupProbe", "readinessProbe", "livenessProbe" })
        {
            var path = Container.Text($"{probe}.httpGet.path")!;
            Assert.True(host.Routes.Contains(path), $"{probe} path {path} is not a route of the Host ({string.Join(", ", host.Routes.Where(r => r.StartsWith("/healthz", StringComparison.Ordinal)))})");
        }
        var preStop = TimeSpan.FromSeconds(int.Parse(Container.Text("lifecycle.preStop.sleep.seconds")!, CultureInfo.InvariantCulture));
        var grace = TimeSpan.FromSeconds(int.Parse(PodSpec.Text("terminationGracePeriodSeconds")!, CultureInfo.InvariantCulture));
        Assert.True(grace >= preStop + host.ShutdownTimeout, $"terminationGracePeriodSeconds {grace} < preStop {preStop} + the Host's shutdown timeout {host.ShutdownTimeout}");
        Assert.False(string.IsNullOrEmpty(Container.Text("resources.requests.cpu")));
        Assert.False(string.IsNullOrEmpty(Container.Text("resources.requests.memory")));
        Assert.False(string.IsNullOrEmpty(Container.Text("resources.limits.memory")));
    }

    [Fact]
    public void Should_line_up_the_service_account_role_and_binding()
    {
        var account = PodSpec.Text("serviceAccountName")!;
        Single("ServiceAccount", account);
        var binding = Assert.Single(Of("RoleBinding"));
        var subject = Assert.Single(binding.List("subjects"));
        Assert.Equal(("ServiceAccount", account), (subject.Text("kind"), subject.Text("name")));
        Assert.Equal("Role", binding.Text("roleRef.kind"));
        var role = Single("Role", binding.Text("roleRef.name")!);
        // Akka.Discovery.KubernetesApi lists and watches pods.
        var rule = Assert.Single(role.List("rules"));
        Assert.Contains("pods", rule.List("resources").Cast<string>());
        Assert.Subset(rule.List("verbs").Cast<string>().ToHashSet(), new HashSet<string> { "get", "list", "watch" });
    }

    [Fact]
    public void Should_only_set_CS_variables_the_Host_reads()
    {
        foreach (var variable in Container.List("env"))
        {
            var name = variable.Text("name")!;
            Assert.StartsWith(HostBuilderExtensions.EnvironmentPrefix, name, StringComparison.Ordinal);
            Assert.True(KnownSettings.IsKnown(KnownSettings.KeyOf(name)), $"{name} maps to {KnownSettings.KeyOf(name)}, which the Host does not read");
        }
    }

    [Fact]
    public void Should_take_every_secret_key_from_the_secret_the_deployment_documents()
    {
        // The header's `kubectl create secret generic communitystream --from-literal=KEY=...` is the Secret's only definition.
        var header = File.ReadAllText(Path.Combine(Directory, "deployment.yaml"));
        var documented = Regex.Matches(header, "--from-literal=([a-z0-9-]+)=").Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        var used = Container.List("env").Select(v => v.At("valueFrom.secretKeyRef")).Where(r => r is not null)
            .Append(Single("ServiceMonitor", "communitystream").List("spec.endpoints").Single().At("authorization.credentials"))
            .ToList();
        Assert.Equal(4, used.Count);
        foreach (var reference in used)
        {
            Assert.Equal("communitystream", reference.Text("name"));
            Assert.Contains(reference.Text("key")!, documented);
        }
        Assert.Equal("admin-api-key", Assert.Single(Container.List("env"), v => v.Text("name") == "CS_Admin__ApiKey").Text("valueFrom.secretKeyRef.key"));
    }

    [Fact]
    public void Should_carry_media_over_the_nodes_network_at_the_announced_node_address()
    {
        Assert.Equal("true", PodSpec.Text("hostNetwork"));
        Assert.Equal("ClusterFirstWithHostNet", PodSpec.Text("dnsPolicy"));
        Assert.Equal("0.0.0.0", Env("CS_Media__BindAddress"));
        var announced = Assert.Single(Container.List("env"), v => v.Text("name") == "CS_Media__AnnouncedAddresses__0");
        Assert.Equal("status.hostIP", announced.Text("valueFrom.fieldRef.fieldPath"));
        var media = Assert.Single(Container.List("ports"), p => p.Text("name") == "media");
        Assert.Equal(("UDP", Env("CS_Media__UdpPort")), (media.Text("protocol"), media.Text("containerPort")));
        // Two pods on one node would fight over its ports: a rolling update must never surge.
        Assert.Equal("0", Deployment.Text("spec.strategy.rollingUpdate.maxSurge"));
        // Media needs no Service: nothing may put a virtual IP in front of the UDP port.
        Assert.DoesNotContain(Of("Service").SelectMany(s => s.List("spec.ports")), p => p.Text("protocol") == "UDP");
    }

    [Fact]
    public void Should_open_the_admin_listener_to_the_cluster_only_with_an_api_key()
    {
        var url = new Uri(Env("CS_Admin__Url")!);
        Assert.Equal("true", Env("CS_Admin__AllowRemote"));
        var admin = Assert.Single(Container.List("ports"), p => p.Text("name") == "admin");
        Assert.Equal(url.Port.ToString(CultureInfo.InvariantCulture), admin.Text("containerPort"));
        // Never behind the Ingress, and no Service of a type that leaves the cluster exposes it.
        foreach (var service in Of("Service").Where(s => s.List("spec.ports").Any(p => p.Text("targetPort") == "admin")))
        {
            Assert.Equal("ClusterIP", service.Text("spec.type") ?? "ClusterIP");
        }
        var ingressServices = Of("Ingress").SelectMany(i => i.List("spec.rules")).SelectMany(r => r.List("http.paths")).Select(p => p.Text("backend.service.name")!);
        Assert.DoesNotContain(ingressServices, name => Single("Service", name).List("spec.ports").Any(p => p.Text("targetPort") == "admin"));
    }

    private static string? Env(string name) =>
        Container.List("env").FirstOrDefault(v => v.Text("name") == name).Text("value");

    private static IEnumerable<Dictionary<object, object>> Of(string kind) => Documents.Where(d => d.Text("kind") == kind);

    private static Dictionary<object, object> Single(string kind, string name) =>
        Assert.Single(Documents, d => d.Text("kind") == kind && d.Text("metadata.name") == name);

    private static bool IsSubset(Dictionary<string, string> selector, Dictionary<string, string> labels) =>
        selector.Count > 0 && selector.All(s => labels.TryGetValue(s.Key, out var value) && value == s.Value);

    private static void AssertSubset(Dictionary<string, string> selector, Dictionary<string, string> labels, string what) =>
        Assert.True(IsSubset(selector, labels), $"{what} selects {string.Join(",", selector)} but the pod template has {string.Join(",", labels)}");
}
