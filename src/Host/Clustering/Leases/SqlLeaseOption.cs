using System.Globalization;
using Akka.Actor.Setup;
using Akka.Hosting;
using Akka.Hosting.Coordination;

namespace CommunityStream.Host.Clustering.Leases;

/// <summary>
/// Akka.Hosting's handle on a <see cref="SqlLease"/> configuration block: shards, the sharding coordinator and the
/// split-brain resolver each name one. <paramref name="timeToLive"/> is how long a crashed holder keeps the lease.
/// </summary>
internal sealed class SqlLeaseOption(string configPath, TimeSpan timeToLive) : LeaseOptionBase
{
    /// <summary>The block shards and the coordinator use.</summary>
    public const string Path = "communitystream.sql-lease";

    /// <summary>Renewals of every held lease run once per this interval.</summary>
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(1);

    public override Type Class => typeof(SqlLease);

    public override string ConfigPath => configPath;

    public override void Apply(AkkaConfigurationBuilder builder, Setup? setup = null) =>
        builder.AddHocon(
            $$"""
            {{configPath}} {
              lease-class = "{{Class.AssemblyQualifiedName}}"
              heartbeat-interval = {{Milliseconds(HeartbeatInterval)}}
              heartbeat-timeout = {{Milliseconds(timeToLive)}}
              lease-operation-timeout = 3s
            }
            """,
            HoconAddMode.Prepend);

    private static string Milliseconds(TimeSpan span) => ((long)span.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms";
}
