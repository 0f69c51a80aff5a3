using CommunityStream.Identity.Contracts;
using Microsoft.Extensions.DependencyInjection;

namespace CommunityStream.Cli.Tests.Support;

/// <summary>
/// Two nodes in this process sharing one SQLite database (so one signing key: a token works on both), joined into one
/// cluster, each with its own admin listener. Shared by every test in <see cref="TwoNodeClusterGroup"/>.
/// </summary>
public sealed class TwoNodeCluster : IAsyncLifetime, IDisposable
{
    /// <summary>Admin:ApiKey of both nodes; node config must never show it.</summary>
    public const string ApiKey = "csctl-test-api-key-0123456789";

    private static readonly TimeSpan FormationTimeout = TimeSpan.FromSeconds(60);

    private readonly TempDirectory _data = new();

    public InProcessNode First { get; private set; } = null!;

    public InProcessNode Second { get; private set; } = null!;

    public string AdminToken { get; private set; } = "";

    public string ViewerToken { get; private set; } = "";

    public async Task InitializeAsync()
    {
        // The audit trail logs at Information; the test nodes' default is Warning.
        string[] common = ["--Admin:ApiKey", ApiKey, "--Logging:LogLevel:CommunityStream.Admin.Audit", "Information"];
        First = await InProcessNode.StartOnAsync(_data, common);
        Second = await InProcessNode.StartOnAsync(_data, [.. common, "--Cluster:SeedNodes:0", First.Cluster.SelfAddress.ToString()]);
        await Eventually.True(() => First.UpMembers() == 2 && Second.UpMembers() == 2, FormationTimeout, "both nodes to see two Up members");
        AdminToken = await First.CreateAdminAsync("root");
        await First.RegisterAsync("viewer1");
        ViewerToken = await First.LoginAsync("viewer1");
    }

    public async Task DisposeAsync()
    {
        await Second.DisposeAsync();
        await First.DisposeAsync();
    }

    public void Dispose() => _data.Dispose();

    internal IAccountAdministration Accounts => First.App.Services.GetRequiredService<IAccountAdministration>();
}

[CollectionDefinition(Name)]
public sealed class TwoNodeClusterGroup : ICollectionFixture<TwoNodeCluster>
{
    public const string Name = "two-node cluster";
}
