namespace CommunityStream.Chat.Tests.Support;

/// <summary>
/// One node shared by the WebSocket tests, with an admin (<c>root</c>), a streamer (<c>alice</c>, whose
/// channel room is <c>alice</c>) and two viewers. Each test uses its own rooms. The outbound queue is
/// small so the slow-consumer test can overflow it; the rate limit is high (RoomState tests cover it).
/// </summary>
public sealed class ChatNodeFixture : IAsyncLifetime
{
    internal InProcessNode Node { get; private set; } = null!;

    internal string AdminToken { get; private set; } = "";

    internal string AliceToken { get; private set; } = "";

    internal string BobToken { get; private set; } = "";

    internal string CarolToken { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Node = await InProcessNode.StartAsync(
            "--Chat:OutboundQueueFrames", "32",
            "--Chat:RateLimitMessages", "100000",
            "--Chat:MaxConnectionsPerIp", "30",
            "--Chat:MaxRoomsPerConnection", "3");
        AdminToken = await Node.CreateAdminAsync("root");
        await Node.RegisterAsync("alice", AdminToken, "viewer", "streamer");
        await Node.RegisterAsync("bob");
        await Node.RegisterAsync("carol");
        AliceToken = await Node.LoginAsync("alice");
        BobToken = await Node.LoginAsync("bob");
        CarolToken = await Node.LoginAsync("carol");
    }

    public async Task DisposeAsync() => await Node.DisposeAsync();

    /// <summary>A fresh standalone room (created by the admin) so tests on the shared node never share state.</summary>
    internal async Task<string> NewRoomAsync(bool anonymousRead = true)
    {
        var name = "r_" + Guid.NewGuid().ToString("N")[..10];
        await Node.CreateRoomAsync(AdminToken, name, anonymousRead);
        return name;
    }
}

/// <summary>Tests that start nodes run one at a time: two cores, real ports.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SharedChatNode : ICollectionFixture<ChatNodeFixture>
{
    public const string Name = "Chat node";
}
