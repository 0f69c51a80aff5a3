using System.Globalization;

namespace CommunityStream.Failover;

/// <summary>Command-line options of the failover bench.</summary>
internal sealed class FailoverOptions
{
    public const string Usage = """
        CommunityStream.Failover: N Host nodes on one fresh PostgreSQL database, chat load, node faults, figures.

          --scenario kill|rolling|partition   kill: kill -9 each node in turn, settle, restart it, settle;
                                       rolling: SIGTERM each node in turn, restart it, wait ready, settle;
                                       partition (root): nodes in network namespaces on a bridge, one node's link
                                       down for --partition-seconds, then up; restarted if it exited (default kill)
          --partition-node I           the node cut off (default 1)
          --partition-seconds S        how long its link stays down (default 30)
          --mode config-discovery|single-seed   cluster formation (default config-discovery)
          --nodes N                    Host processes (default 3)
          --host-dll PATH              the built Host (default src/Host/bin/Release/net10.0/CommunityStream.Host.dll)
          --postgres CS                server connection string (default env CS_FAILOVER_POSTGRES, else
                                       Host=127.0.0.1;Port=55432;Username=postgres;Password=cs-test-only;Database=postgres);
                                       a fresh database is created for the run and dropped after it
          --rooms R --members M        rooms and members per room (default 10 and 30)
          --rate MSGS                  messages/s per room, one publisher per room (default 5)
          --warmup S                   load before the first fault (default 15)
          --settle S                   after a kill before the restart, and after a node is ready again (default 30)
          --cooldown S                 load after the last fault (default 15)
          --ack-timeout S              resend an unacknowledged write after this (default 3)
          --member-stall S             a socket silent this long is dropped and reconnected (default 30)
          --base-port P                HTTP P+i, Akka.Remote P+100+i, media UDP P+200+i (default: free ports)
          --out DIR                    logs and the JSON result (default: a new temp directory)
          --keep-database              do not drop the database at the end
        """;

    public string Scenario { get; private set; } = "kill";

    public string Mode { get; private set; } = "config-discovery";

    public int Nodes { get; private set; } = 3;

    public string? HostDll { get; private set; }

    public string Postgres { get; private set; } = Environment.GetEnvironmentVariable("CS_FAILOVER_POSTGRES")
        ?? "Host=127.0.0.1;Port=55432;Username=postgres;Password=cs-test-only;Database=postgres";

    public int Rooms { get; private set; } = 10;

    public int MembersPerRoom { get; private set; } = 30;

    public double Rate { get; private set; } = 5;

    public double WarmupSeconds { get; private set; } = 15;

    public double SettleSeconds { get; private set; } = 30;

    public double CooldownSeconds { get; private set; } = 15;

    public double AckTimeoutSeconds { get; private set; } = 3;

    public double MemberStallSeconds { get; private set; } = 30;

    /// <summary>A publisher with pending writes and no ack for this long drops its socket and tries the next node.</summary>
    public double PublisherNoAckSeconds { get; private set; } = 20;

    /// <summary>A room whose writes stalled longer than this is "affected" by a fault; members silent this long were hit.</summary>
    public double StallMs { get; private set; } = 1000;

    public int PartitionNode { get; private set; } = 1;

    public double PartitionSeconds { get; private set; } = 30;

    public int? BasePort { get; private set; }

    public string? Out { get; private set; }

    public bool KeepDatabase { get; private set; }

    public bool Help { get; private set; }

    public static FailoverOptions Parse(IReadOnlyList<string> args)
    {
        var o = new FailoverOptions();
        for (var i = 0; i < args.Count; i++)
        {
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            double Number() => double.Parse(Next(), CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--scenario": o.Scenario = Next(); break;
                case "--mode": o.Mode = Next(); break;
                case "--nodes": o.Nodes = (int)Number(); break;
                case "--host-dll": o.HostDll = Next(); break;
                case "--postgres": o.Postgres = Next(); break;
                case "--rooms": o.Rooms = (int)Number(); break;
                case "--members": o.MembersPerRoom = (int)Number(); break;
                case "--rate": o.Rate = Number(); break;
                case "--warmup": o.WarmupSeconds = Number(); break;
                case "--settle": o.SettleSeconds = Number(); break;
                case "--cooldown": o.CooldownSeconds = Number(); break;
                case "--ack-timeout": o.AckTimeoutSeconds = Number(); break;
                case "--member-stall": o.MemberStallSeconds = Number(); break;
                case "--base-port": o.BasePort = (int)Number(); break;
                case "--partition-node": o.PartitionNode = (int)Number(); break;
                case "--partition-seconds": o.PartitionSeconds = Number(); break;
                case "--out": o.Out = Next(); break;
                case "--keep-database": o.KeepDatabase = true; break;
                case "--help" or "-h": o.Help = true; break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }

        if (o.Scenario is not ("kill" or "rolling" or "partition"))
        {
            throw new ArgumentException($"--scenario {o.Scenario}: use kill, rolling or partition");
        }

        if (o.PartitionNode < 1 || o.PartitionNode > o.Nodes || o.PartitionSeconds is <= 0 or > 600)
        {
            throw new ArgumentException("--partition-node must name a node (1–N), --partition-seconds (0, 600]");
        }

        if (o.Mode is not ("config-discovery" or "single-seed"))
        {
            throw new ArgumentException($"--mode {o.Mode}: use config-discovery or single-seed");
        }

        if (o.Nodes is < 2 or > 9 || o.Rooms is < 1 or > 100 || o.MembersPerRoom is < 1 or > 200 || o.Rate is <= 0 or > 50)
        {
            throw new ArgumentException("out of range: --nodes 2–9, --rooms 1–100, --members 1–200, --rate (0, 50]");
        }

        return o;
    }
}
