namespace CommunityStream.BuildingBlocks.Integration;

/// <summary>
/// What a module knows about one account right now, for the admin API's <c>GET users/{id}</c> (Identity owns the
/// route; Chat and Media answer through this without Identity depending on them). Registered as many times as there
/// are modules; each answer appears under <see cref="Name"/>. Must be cheap: no cluster-wide fan-out.
/// </summary>
public interface IUserActivitySource
{
    /// <summary>The property name of the answer, e.g. <c>liveStream</c>.</summary>
    string Name { get; }

    /// <summary>A JSON-serializable description, or null when there is nothing to say.</summary>
    Task<object?> DescribeAsync(Guid userId, string username, CancellationToken cancellationToken);
}
