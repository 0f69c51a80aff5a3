namespace CommunityStream.Host.Tests.Admin;

/// <summary>One node with an <c>Admin:ApiKey</c>, an admin account and an admin-API client, shared by the admin-API test classes.</summary>
public sealed class AdminNodeFixture : IAsyncLifetime
{
    public const string Collection = "admin-node";

    public InProcessNode Node { get; private set; } = null!;

    internal AdminClient Admin { get; private set; } = null!;

    /// <summary>An access token of the site admin (for the public API's admin routes, e.g. creating rooms).</summary>
    public string AdminToken { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Node = await InProcessNode.StartAsync("--Admin:ApiKey", AdminClient.ApiKey);
        Admin = new AdminClient(Node);
        AdminToken = await Node.CreateAdminAsync("site_admin");
    }

    public async Task DisposeAsync()
    {
        Admin.Dispose();
        await Node.DisposeAsync();
    }
}

[CollectionDefinition(AdminNodeFixture.Collection)]
public sealed class AdminNodeGroup : ICollectionFixture<AdminNodeFixture>;
