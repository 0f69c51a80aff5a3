using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace CommunityStream.Failover;

/// <summary>
/// One bench run: a fresh database, N nodes, rooms with members and publishers, the scenario's faults, the audit
/// at the end. Every wait is bounded; the nodes are stopped and the database dropped whatever happens.
/// </summary>
internal sealed class BenchRun(FailoverOptions options, string hostDll, string outputDirectory) : IDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(120);

    private readonly List<HostNode> _nodes = [];
    private readonly List<FaultEvent> _faults = [];
    private readonly List<AckRecord> _acks = [];
    private readonly RunCounters _counters = new();
    private NetworkLab? _lab;
    private TcpRelay? _relay;
    private static readonly HttpClient Probe = new() { Timeout = TimeSpan.FromSeconds(3) };

    private bool Partitioned => options.Scenario == "partition";

    public async Task<BenchReport> RunAsync()
    {
        var started = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
        // Stopped from outside (timeout, Ctrl+C): no node may outlive the bench.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            KillAll();
            _lab?.Remove();
        };
        Console.CancelKeyPress += (_, _) => KillAll();
        var database = await ScratchDatabase.CreateAsync(options.Postgres);
        Log($"database {database.Name}, output {outputDirectory}");
        try
        {
            return await RunOnAsync(database, started);
        }
        finally
        {
            await Task.WhenAll(_nodes.Select(n => n.StopAsync()));
            Dispose();
            if (!options.KeepDatabase)
            {
                await database.DropAsync();
                Log($"dropped database {database.Name}");
            }
        }
    }

    private async Task<BenchReport> RunOnAsync(ScratchDatabase database, string started)
    {
        var configuration = SharedConfiguration(database);
        var dataRoot = Path.Combine(outputDirectory, "data");
        Directory.CreateDirectory(dataRoot);
        await BenchSetup.CreateAdminAsync(hostDll, [.. configuration, "--DataDirectory", Path.Combine(dataRoot, "admin")], dataRoot);

        var ports = Ports();
        var addresses = Enumerable.Range(0, options.Nodes).Select(_ => "127.0.0.1").ToArray();
        var nodeConfiguration = configuration;
        if (Partitioned)
        {
            // Each node in its own namespace: same ports everywhere, its own address; the database through a relay.
            _lab = new NetworkLab(options.Nodes);
            _lab.Create();
            addresses = [.. Enumerable.Range(0, options.Nodes).Select(_lab.NodeAddress)];
            var server = new Npgsql.NpgsqlConnectionStringBuilder(options.Postgres);
            var target = new IPEndPoint(IPAddress.Parse(server.Host ?? "127.0.0.1"), server.Port);
            _relay = new TcpRelay(new IPEndPoint(IPAddress.Parse(_lab.BridgeAddress), 0), target);
            _relay.Start();
            var viaRelay = new Npgsql.NpgsqlConnectionStringBuilder(database.ConnectionString) { Host = _lab.BridgeAddress, Port = _relay.Port }.ConnectionString;
            nodeConfiguration = [.. configuration.Select(a => a == database.ConnectionString ? viaRelay : a)];
            Log($"network namespaces {string.Join(", ", Enumerable.Range(0, options.Nodes).Select(_lab.Namespace))}, database relay {_lab.BridgeAddress}:{_relay.Port}");
        }

        var clusterArguments = ClusterArguments(addresses, ports.Cluster);
        for (var i = 0; i < options.Nodes; i++)
        {
            var data = Path.Combine(dataRoot, string.Create(CultureInfo.InvariantCulture, $"node{i + 1}"));
            Directory.CreateDirectory(data);
            _nodes.Add(new HostNode(i, hostDll, addresses[i], ports.Http[i], ports.Cluster[i], ports.Media[i], data, outputDirectory, [.. nodeConfiguration, .. clusterArguments], _lab?.Namespace(i)));
        }

        await StartClusterAsync();
        using var http = new HttpClient { BaseAddress = _nodes[0].Http, Timeout = TimeSpan.FromSeconds(30) };
        var adminToken = await BenchSetup.LoginAdminAsync(http);
        var roomNames = Enumerable.Range(0, options.Rooms).Select(r => string.Create(CultureInfo.InvariantCulture, $"fo_room_{r}")).ToList();
        foreach (var room in roomNames)
        {
            await BenchSetup.CreateRoomAsync(http, adminToken, room);
        }

        var tokens = new List<string>();
        for (var r = 0; r < options.Rooms; r++)
        {
            tokens.Add(await BenchSetup.RegisterAndLoginAsync(http, string.Create(CultureInfo.InvariantCulture, $"fopub{r}")));
        }

        Log($"{options.Nodes} nodes ready, {options.Rooms} rooms created");

        // Load: members spread round-robin over the nodes, one publisher per room.
        var uris = _nodes.Select(n => n.WebSocket).ToList();
        var observations = Enumerable.Range(0, options.Rooms).Select(r => new RoomObservations { Room = r }).ToList();
        var timelines = new List<MemberTimeline>();
        using var stopMembers = new CancellationTokenSource();
        using var stopWriting = new CancellationTokenSource();
        using var stopPublishers = new CancellationTokenSource();
        var tasks = new List<Task>();
        for (var r = 0; r < options.Rooms; r++)
        {
            for (var m = 0; m < options.MembersPerRoom; m++)
            {
                var timeline = new MemberTimeline { Room = r, Index = m };
                timelines.Add(timeline);
                var member = new Member(roomNames[r], (r * options.MembersPerRoom) + m, uris, observations[r], timeline, _counters, options);
                tasks.Add(Task.Run(() => member.RunAsync(stopMembers.Token)));
            }
        }

        await Task.Delay(TimeSpan.FromSeconds(3));
        var publishers = new List<Publisher>();
        var publisherTasks = new List<Task>();
        for (var r = 0; r < options.Rooms; r++)
        {
            var publisher = new Publisher(r, roomNames[r], tokens[r], r, uris, Acked, _counters, options);
            publishers.Add(publisher);
            publisherTasks.Add(Task.Run(() => publisher.RunAsync(stopWriting.Token, stopPublishers.Token)));
        }

        Log($"load running: {options.Rooms * options.MembersPerRoom} members, {options.Rooms} publishers at {options.Rate} msg/s; warm-up {options.WarmupSeconds} s");
        await Task.Delay(TimeSpan.FromSeconds(options.WarmupSeconds));
        await RunScenarioAsync();
        await Task.Delay(TimeSpan.FromSeconds(options.CooldownSeconds));

        stopWriting.Cancel();
        var loadEnd = MonotonicClock.NowMs;
        for (var i = 0; i < _faults.Count; i++)
        {
            _faults[i].WindowEnd = i + 1 < _faults.Count ? _faults[i + 1].At : loadEnd;
            _faults[i].OutageEnd = !_faults[i].IsFault
                ? _faults[i].WindowEnd
                : _faults.Skip(i + 1).FirstOrDefault(f => f.IsFault)?.At ?? loadEnd;
        }

        // Drain: publishers resend until every write is acked (bounded), then members get a moment to catch up.
        var drainUntil = MonotonicClock.NowMs + 30_000;
        while (publishers.Any(p => !p.Drained) && MonotonicClock.NowMs < drainUntil)
        {
            await Task.Delay(250);
        }

        var pendingAtEnd = publishers.Sum(p => p.PendingCount);
        await Task.Delay(3000);
        stopPublishers.Cancel();
        stopMembers.Cancel();
        await WaitBoundedAsync(tasks.Concat(publisherTasks), TimeSpan.FromSeconds(20));
        Log($"load stopped; {pendingAtEnd} writes still pending; reading the final history");

        var history = await EndOfRunChecks.ReadHistoryAsync(_nodes, roomNames, adminToken, Log);
        List<AckRecord> acks;
        lock (_acks)
        {
            acks = [.. _acks];
        }

        await RawOutput.WriteAsync(outputDirectory, _faults, acks, timelines);
        var acksByRoom = acks.GroupBy(a => a.Room).ToDictionary(g => g.Key, g => g.OrderBy(a => a.AckedAt).ToList());
        var figures = _faults.Select(f => FaultFigures.Compute(f, acksByRoom, timelines, options.Rooms, options.StallMs)).ToList();
        var conflicts = EndOfRunChecks.CrossCheck(observations, history);
        var (leaders, formedNew, maxLeaders) = EndOfRunChecks.Clusters(_nodes);
        return new BenchReport
        {
            Scenario = options.Scenario,
            Mode = options.Mode,
            Nodes = options.Nodes,
            StartedUtc = started,
            Faults = figures,
            Audit = HistoryAudit.Check(acks, history),
            ConflictingOffsets = conflicts,
            DuplicateClientIdsSeenByMembers = observations.Sum(o => o.DuplicateClientIds),
            MemberGapMessages = _counters.MemberGapMessages,
            UnrecoveredJoins = _counters.UnrecoveredJoins,
            EpochChanges = _counters.EpochChanges,
            Resends = _counters.Resends,
            PendingAtEnd = pendingAtEnd,
            CloseCodes = new SortedDictionary<string, int>(_counters.CloseCodes, StringComparer.Ordinal),
            Errors = new SortedDictionary<string, int>(_counters.Errors, StringComparer.Ordinal),
            ConnectFailures = new SortedDictionary<string, int>(_counters.ConnectFailures, StringComparer.Ordinal),
            LeadersAtEnd = leaders,
            MaxConcurrentLeaders = maxLeaders,
            NodesThatFormedNewClusterOnRestart = formedNew,
            OutputDirectory = outputDirectory,
        };
    }

    public void Dispose()
    {
        _relay?.Dispose();
        _relay = null;
        _lab?.Remove();
    }

    private void KillAll()
    {
        foreach (var node in _nodes.ToList())
        {
            node.Kill();
        }
    }

    private void Acked(AckRecord ack)
    {
        lock (_acks)
        {
            _acks.Add(ack);
        }
    }

    private async Task RunScenarioAsync()
    {
        if (Partitioned)
        {
            await RunPartitionAsync(_nodes[options.PartitionNode - 1]);
            return;
        }

        foreach (var node in _nodes)
        {
            if (options.Scenario == "kill")
            {
                // The fault begins with SIGKILL (the members' sockets reset at once); new writes are those made
                // once the process is gone, so an ack that raced the kill does not end the outage.
                var kill = Fault("kill", node);
                node.Kill();
                kill.DoneAt = MonotonicClock.NowMs;
                Log($"node {node.Number} killed (kill -9)");
                await Task.Delay(TimeSpan.FromSeconds(options.SettleSeconds));
            }
            else
            {
                var term = Fault("term", node);
                term.ExitCode = await node.TerminateAsync(TimeSpan.FromSeconds(60));
                term.StepMs = MonotonicClock.NowMs - term.At;
                Log($"node {node.Number} stopped by SIGTERM: exit {term.ExitCode} after {term.StepMs:F0} ms");
            }

            var restart = Fault("restart", node);
            node.Start();
            var ready = await node.WaitReadyAsync(Probe, ReadyTimeout);
            restart.StepMs = ready ? MonotonicClock.NowMs - restart.At : null;
            Log(ready ? $"node {node.Number} restarted, ready after {restart.StepMs:F0} ms" : $"node {node.Number} restarted but NOT ready within {ReadyTimeout.TotalSeconds} s");
            await Task.Delay(TimeSpan.FromSeconds(options.SettleSeconds));
        }
    }

    /// <summary>One node's link down for the partition time, then up; if the node downed itself and exited, it is restarted.</summary>
    private async Task RunPartitionAsync(HostNode node)
    {
        var partition = Fault("partition", node);
        _lab!.SetCut(node.Index, cut: true);
        partition.DoneAt = MonotonicClock.NowMs;
        Log($"node {node.Number} cut off (link down) for {options.PartitionSeconds} s");
        await Task.Delay(TimeSpan.FromSeconds(options.PartitionSeconds));
        Fault("heal", node);
        _lab.SetCut(node.Index, cut: false);
        var ready = await node.WaitReadyAsync(Probe, TimeSpan.FromSeconds(options.SettleSeconds));
        Log($"node {node.Number} link up again; {(node.Running ? ready ? "it is ready" : "it runs but is NOT ready" : "its process had exited")}");
        if (!ready)
        {
            // Down by the split-brain resolver: as an orchestrator would, replace the process.
            node.Kill();
            var restart = Fault("restart", node);
            node.Start();
            var back = await node.WaitReadyAsync(Probe, ReadyTimeout);
            restart.StepMs = back ? MonotonicClock.NowMs - restart.At : null;
            Log(back ? $"node {node.Number} restarted, ready after {restart.StepMs:F0} ms" : $"node {node.Number} restarted but NOT ready within {ReadyTimeout.TotalSeconds} s");
        }

        await Task.Delay(TimeSpan.FromSeconds(options.SettleSeconds));
    }

    private FaultEvent Fault(string kind, HostNode node)
    {
        var fault = new FaultEvent(kind, node.Number, MonotonicClock.NowMs);
        _faults.Add(fault);
        return fault;
    }

    private async Task StartClusterAsync()
    {
        if (options.Mode == "single-seed")
        {
            // The seed must be up first: it joins itself; the others join it.
            _nodes[0].Start();
            await RequireReadyAsync(_nodes[0]);
            foreach (var node in _nodes.Skip(1))
            {
                node.Start();
            }
        }
        else
        {
            foreach (var node in _nodes)
            {
                node.Start();
            }
        }

        foreach (var node in _nodes)
        {
            await RequireReadyAsync(node);
        }
    }

    private static async Task RequireReadyAsync(HostNode node)
    {
        if (!await node.WaitReadyAsync(Probe, ReadyTimeout))
        {
            throw new InvalidOperationException($"node {node.Number} was not ready within {ReadyTimeout.TotalSeconds} s; see {node.CurrentLog}");
        }
    }

    private static List<string> SharedConfiguration(ScratchDatabase database) =>
    [
        "--Persistence:Provider", "PostgreSql", "--Persistence:ConnectionString", database.ConnectionString,
        "--Identity:Jwt:SigningKey", Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        "--Identity:Jwt:AccessTokenMinutes", "120",
        // As tests/CommunityStream.Testing/InProcessNode.cs: the bench logs in from one address many times.
        "--Identity:Throttle:RegisterAttemptsPerMinute", "1000", "--Identity:Throttle:IpAttemptsPerMinute", "1000",
        // Every client comes from 127.0.0.1; 5 msg/s per room is above the default per-user rate limit; the
        // audit reads the whole history, so rooms keep all of it.
        "--Chat:MaxConnectionsPerIp", "5000", "--Chat:RateLimitMessages", "100000", "--Chat:DefaultRetention", "10000",
    ];

    private List<string> ClusterArguments(string[] addresses, int[] clusterPorts)
    {
        if (options.Mode == "single-seed")
        {
            return ["--Cluster:SeedNodes:0", string.Create(CultureInfo.InvariantCulture, $"akka.tcp://communitystream@{addresses[0]}:{clusterPorts[0]}")];
        }

        var arguments = new List<string> { "--Cluster:Discovery", "Config", "--Cluster:RequiredContactPoints", options.Nodes.ToString(CultureInfo.InvariantCulture) };
        for (var i = 0; i < clusterPorts.Length; i++)
        {
            arguments.Add(string.Create(CultureInfo.InvariantCulture, $"--Cluster:ConfigEndpoints:{i}"));
            arguments.Add(string.Create(CultureInfo.InvariantCulture, $"{addresses[i]}:{clusterPorts[i]}"));
        }

        return arguments;
    }

    private (int[] Http, int[] Cluster, int[] Media) Ports()
    {
        if (Partitioned)
        {
            // Every namespace has its own ports: the defaults fit all nodes.
            return ([.. Enumerable.Repeat(8080, options.Nodes)], [.. Enumerable.Repeat(4053, options.Nodes)], [.. Enumerable.Repeat(40000, options.Nodes)]);
        }

        if (options.BasePort is { } b)
        {
            return ([.. Enumerable.Range(b, options.Nodes)], [.. Enumerable.Range(b + 100, options.Nodes)], [.. Enumerable.Range(b + 200, options.Nodes)]);
        }

        // Free ports now, kept for the whole run so restarted nodes come back at the same addresses.
        var held = new List<Socket>();
        int Free(SocketType type, ProtocolType protocol)
        {
            var socket = new Socket(AddressFamily.InterNetwork, type, protocol);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            held.Add(socket);
            return ((IPEndPoint)socket.LocalEndPoint!).Port;
        }

        try
        {
            var http = Enumerable.Range(0, options.Nodes).Select(_ => Free(SocketType.Stream, ProtocolType.Tcp)).ToArray();
            var cluster = Enumerable.Range(0, options.Nodes).Select(_ => Free(SocketType.Stream, ProtocolType.Tcp)).ToArray();
            var media = Enumerable.Range(0, options.Nodes).Select(_ => Free(SocketType.Dgram, ProtocolType.Udp)).ToArray();
            return (http, cluster, media);
        }
        finally
        {
            held.ForEach(s => s.Dispose());
        }
    }

    private static async Task WaitBoundedAsync(IEnumerable<Task> tasks, TimeSpan timeout) =>
        await Task.WhenAny(Task.WhenAll(tasks), Task.Delay(timeout));

    internal static void Log(string message) =>
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{MonotonicClock.NowMs / 1000,7:F1} s] {message}"));
}
