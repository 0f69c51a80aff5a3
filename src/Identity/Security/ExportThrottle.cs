namespace CommunityStream.Identity.Security;

/// <summary>
/// Limits data exports (each reads every room's journal), in memory on this node: one per account per minute, and
/// <see cref="PerAddressPerMinute"/> per client address (<c>ClientAddress.Of</c>, after trusted proxies), so one
/// client with many accounts cannot make a node read the journals over and over.
/// </summary>
internal sealed class ExportThrottle(TimeProvider time)
{
    public const int PerAddressPerMinute = 5;

    private readonly SlidingWindowLimiter _accounts = new(1, TimeSpan.FromMinutes(1), time);
    private readonly SlidingWindowLimiter _addresses = new(PerAddressPerMinute, TimeSpan.FromMinutes(1), time);

    /// <summary>Null when allowed now (and counted); otherwise how long until the next export is allowed.</summary>
    public TimeSpan? TryAcquire(Guid userId, string clientAddress) =>
        _accounts.TryAcquire(userId.ToString()) ?? _addresses.TryAcquire(clientAddress);
}
