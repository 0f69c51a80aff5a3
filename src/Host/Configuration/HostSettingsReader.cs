using System.Net;
using System.Net.Sockets;
using CommunityStream.BuildingBlocks;
using CommunityStream.Host.Admin;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CommunityStream.Host.Configuration;

/// <summary>
/// Reads <see cref="HostSettings"/> from configuration and rejects what cannot work, with one message
/// that names the setting and its environment variable, so a bad deployment fails at once and clearly.
/// </summary>
public static class HostSettingsReader
{
    /// <summary>Reads and validates; throws <see cref="StartupConfigurationException"/> on the first problem.</summary>
    public static HostSettings Read(IConfiguration configuration, string workingDirectory)
    {
        var urls = ReadUrls(HttpUrlOf(configuration));
        var dataDirectory = ReadDataDirectory(configuration["DataDirectory"] ?? "data", workingDirectory);
        var database = ReadDatabase(configuration.GetSection("Persistence"), dataDirectory);
        var cluster = ReadCluster(configuration.GetSection("Cluster"));
        var admin = AdminSettingsReader.Read(configuration, urls);
        return new HostSettings(urls, dataDirectory, database, cluster, admin) { TrustedProxies = ReadTrustedProxies(configuration.GetSection("Http")) };
    }

    /// <summary>
    /// <c>Http:Url</c>, or ASP.NET Core's own spellings as aliases: <c>--urls</c> / <c>ASPNETCORE_URLS</c> (key <c>urls</c>)
    /// and <c>ASPNETCORE_HTTP_PORTS</c> (key <c>http_ports</c>, every interface). Two that disagree stop the start, since
    /// Kestrel would otherwise take one of them without a word.
    /// </summary>
    private static string HttpUrlOf(IConfiguration configuration)
    {
        var explicitUrl = NonBlank(configuration["Http:Url"]);
        var aliasUrls = NonBlank(configuration["urls"]);
        var ports = NonBlank(configuration["http_ports"]);
        var portUrls = ports is null
            ? null
            : string.Join(';', ports.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(port => $"http://0.0.0.0:{port}"));
        var alias = aliasUrls ?? portUrls;
        var aliasName = aliasUrls is not null ? "--urls / ASPNETCORE_URLS" : "ASPNETCORE_HTTP_PORTS";
        if (explicitUrl is not null && alias is not null && !SameUrls(explicitUrl, alias))
        {
            throw Invalid("Http:Url", $"is '{explicitUrl}' but {aliasName} says '{aliasUrls ?? ports}': set only one");
        }
        return explicitUrl ?? alias ?? "http://127.0.0.1:8080";
    }

    private static string? NonBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static bool SameUrls(string a, string b) =>
        a.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order(StringComparer.OrdinalIgnoreCase)
            .SequenceEqual(b.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order(StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase);

    private static string[] ReadUrls(string value)
    {
        var urls = value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (urls.Length == 0)
        {
            throw Invalid("Http:Url", "is empty");
        }
        foreach (var url in urls)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                throw Invalid("Http:Url", $"'{url}' is not an http:// or https:// address");
            }
            if (uri.AbsolutePath != "/")
            {
                // Kestrel listens on addresses; a path would be dropped without a word.
                throw Invalid("Http:Url", $"'{url}' has a path; give scheme, address and port only");
            }
        }
        return urls;
    }

    private static string ReadDataDirectory(string value, string workingDirectory)
    {
        var path = Path.GetFullPath(value, workingDirectory);
        try
        {
            Directory.CreateDirectory(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Invalid("DataDirectory", $"'{path}' cannot be created ({ex.Message})");
        }
        // The signing key and the SQLite file are written here much later, where the failure would name neither
        // the setting nor (for EACCES) the path: probe now. Root passes permission bits, not read-only mounts.
        try
        {
            using (File.Create(Path.Combine(path, $".write-probe-{Guid.NewGuid():N}"), 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Invalid("DataDirectory", $"'{path}' is not writable ({ex.Message})");
        }
        return path;
    }

    private static DatabaseOptions ReadDatabase(IConfigurationSection section, string dataDirectory)
    {
        var providerText = section["Provider"] ?? nameof(DatabaseProvider.Sqlite);
        if (!Enum.TryParse<DatabaseProvider>(providerText, ignoreCase: true, out var provider)
            || !Enum.IsDefined(provider))
        {
            throw Invalid("Persistence:Provider", $"'{providerText}' is unknown (use Sqlite or PostgreSql)");
        }

        var connectionString = section["ConnectionString"];
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            if (provider == DatabaseProvider.PostgreSql)
            {
                throw Invalid("Persistence:ConnectionString", "is required when Persistence:Provider is PostgreSql");
            }
            connectionString = $"Data Source={Path.Combine(dataDirectory, "communitystream.db")}";
        }

        try
        {
            connectionString = provider switch
            {
                DatabaseProvider.Sqlite => NormalizeSqlite(connectionString),
                _ => new NpgsqlConnectionStringBuilder(connectionString).ConnectionString,
            };
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException)
        {
            // The parser's message may echo the string; never repeat it, it can hold a password.
            throw Invalid("Persistence:ConnectionString", $"is not a valid {provider} connection string");
        }
        var synchronousText = section["SqliteSynchronous"] ?? nameof(SqliteSynchronous.Normal);
        if (!Enum.TryParse<SqliteSynchronous>(synchronousText, ignoreCase: true, out var synchronous)
            || !Enum.IsDefined(synchronous))
        {
            throw Invalid("Persistence:SqliteSynchronous", $"'{synchronousText}' is unknown (use Normal or Full)");
        }
        var journalText = section["SqliteJournal"] ?? "Dedicated";
        var dedicated = journalText.Equals("Dedicated", StringComparison.OrdinalIgnoreCase);
        if (!dedicated && !journalText.Equals("AkkaPersistenceSql", StringComparison.OrdinalIgnoreCase))
        {
            throw Invalid("Persistence:SqliteJournal", $"'{journalText}' is unknown (use Dedicated or AkkaPersistenceSql)");
        }
        return new DatabaseOptions(provider, connectionString)
        {
            SqliteSynchronous = synchronous,
            SqliteCheckpointsInBackground = provider == DatabaseProvider.Sqlite,
            SqliteDedicatedJournal = dedicated,
        };
    }

    private static string NormalizeSqlite(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (string.IsNullOrWhiteSpace(builder.DataSource))
        {
            throw new ArgumentException("Data Source is missing");
        }
        var directory = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }
        // Shared cache off and pooling on: the journal and Identity open many short connections.
        builder.Pooling = true;
        return builder.ConnectionString;
    }

    private static ClusterSettings ReadCluster(IConfigurationSection section)
    {
        ClusterSettings settings;
        try
        {
            settings = section.Get<ClusterSettings>(o => o.ErrorOnUnknownConfiguration = true) ?? new ClusterSettings();
        }
        catch (InvalidOperationException ex)
        {
            throw new StartupConfigurationException($"Configuration 'Cluster' is invalid: {ex.Message}", ex);
        }

        if (settings.Port is < 0 or > 65535)
        {
            throw Invalid("Cluster:Port", $"{settings.Port} is not a TCP port");
        }
        if (string.IsNullOrWhiteSpace(settings.Hostname))
        {
            throw Invalid("Cluster:Hostname", "is empty");
        }
        foreach (var seed in settings.SeedNodes)
        {
            if (!seed.StartsWith($"akka.tcp://{ClusterSettings.SystemName}@", StringComparison.Ordinal))
            {
                throw Invalid("Cluster:SeedNodes", $"'{seed}' must look like akka.tcp://{ClusterSettings.SystemName}@host:port");
            }
        }
        if (settings.Discovery == ClusterDiscovery.Config)
        {
            if (settings.ConfigEndpoints.Count == 0)
            {
                throw Invalid("Cluster:ConfigEndpoints", "needs at least one host:port when Cluster:Discovery is Config");
            }
            foreach (var endpoint in settings.ConfigEndpoints)
            {
                var colon = endpoint.LastIndexOf(':');
                if (colon <= 0 || !int.TryParse(endpoint.AsSpan(colon + 1), out var port) || port is < 1 or > 65535)
                {
                    throw Invalid("Cluster:ConfigEndpoints", $"'{endpoint}' is not host:port");
                }
            }
        }
        if (settings.Discovery != ClusterDiscovery.None && settings.SeedNodes.Count > 0)
        {
            throw Invalid("Cluster:SeedNodes", "cannot be combined with Cluster:Discovery; choose one");
        }
        if (settings.RequiredContactPoints < 1)
        {
            throw Invalid("Cluster:RequiredContactPoints", "must be at least 1");
        }
        if (settings.AcceptableHeartbeatPause < TimeSpan.FromMilliseconds(500))
        {
            throw Invalid("Cluster:AcceptableHeartbeatPause", "must be at least 00:00:00.5 (one missed heartbeat is not a crash)");
        }
        if (settings.StableAfter < TimeSpan.FromMilliseconds(500))
        {
            throw Invalid("Cluster:StableAfter", "must be at least 00:00:00.5");
        }
        // Renewals run once a second; a lease must survive a couple of slow ones.
        if (settings.LeaseTimeToLive < TimeSpan.FromSeconds(3))
        {
            throw Invalid("Cluster:LeaseTimeToLive", "must be at least 00:00:03 (leases are renewed once a second)");
        }
        return settings;
    }

    /// <summary>
    /// <c>Http:KnownProxies</c> (IP addresses) and <c>Http:KnownNetworks</c> (CIDR), each a list
    /// (<c>CS_Http__KnownProxies__0</c>) or one comma-separated value (<c>CS_Http__KnownProxies=10.0.0.5,10.0.0.6</c>).
    /// </summary>
    private static TrustedProxies ReadTrustedProxies(IConfigurationSection http)
    {
        var proxies = new List<IPAddress>();
        foreach (var text in ListOf(http.GetSection("KnownProxies")))
        {
            // IPAddress.Parse takes "10" as 0.0.0.10; an operator who wrote that meant something else.
            if (!IPAddress.TryParse(text, out var address) || (address.AddressFamily == AddressFamily.InterNetwork && text.Count(c => c == '.') != 3))
            {
                throw Invalid("Http:KnownProxies", $"'{text}' is not an IP address");
            }
            proxies.Add(address);
        }
        var networks = new List<IPNetwork>();
        foreach (var text in ListOf(http.GetSection("KnownNetworks")))
        {
            // The parser would quietly mask 10.1.2.3/8 to 10.0.0.0/8; a typo there should not widen the trust.
            var slash = text.IndexOf('/', StringComparison.Ordinal);
            if (slash < 0 || !IPNetwork.TryParse(text, out var network) || !IPAddress.Parse(text[..slash]).Equals(network.BaseAddress))
            {
                throw Invalid("Http:KnownNetworks", $"'{text}' is not a network in CIDR notation with no host bits set (e.g. 10.0.0.0/8)");
            }
            networks.Add(network);
        }
        return proxies.Count == 0 && networks.Count == 0 ? TrustedProxies.None : new TrustedProxies(proxies, networks);
    }

    private static IEnumerable<string> ListOf(IConfigurationSection section) =>
        new[] { section.Value }.Concat(section.GetChildren().Select(child => child.Value))
            .SelectMany(value => (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    internal static StartupConfigurationException Invalid(string key, string problem) =>
        new($"Configuration '{key}' (env CS_{key.Replace(":", "__", StringComparison.Ordinal)}) {problem}.");
}
