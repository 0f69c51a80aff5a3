namespace CommunityStream.Host.Clustering.Leases;

/// <summary>One row of <c>cluster_leases</c> as read: who holds the lease and for how much longer (negative once expired).</summary>
internal sealed record LeaseHolder(string Name, string Owner, TimeSpan Remaining);
