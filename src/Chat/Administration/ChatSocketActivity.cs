using CommunityStream.BuildingBlocks.Integration;
using CommunityStream.Chat.Gateway;

namespace CommunityStream.Chat.Administration;

/// <summary>The account's open chat sockets on this node (asking every node would not be cheap).</summary>
internal sealed class ChatSocketActivity(AuthenticatedConnections connections) : IUserActivitySource
{
    public string Name => "chatSocketsOnThisNode";

    public Task<object?> DescribeAsync(Guid userId, string username, CancellationToken cancellationToken) =>
        Task.FromResult<object?>(connections.CountOf(userId));
}
