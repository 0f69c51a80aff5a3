using System.Globalization;
using System.Net;

namespace CommunityStream.LoadGen;

/// <summary>How the generator sets up the rooms it joins before the run.</summary>
internal enum RoomSetup
{
    /// <summary>The rooms exist already.</summary>
    None,

    /// <summary>Each room is a channel: register its owner (the room name) and give it the streamer role (needs --admin).</summary>
    Channel,

    /// <summary>Create standalone rooms as admin with <c>POST {--create-room-path}</c> <c>{name}</c> (needs --admin).</summary>
    Create,
}

/// <summary>Command-line options of the load generator; <see cref="Usage"/> documents each one.</summary>
internal sealed class LoadGenOptions
{
    public Uri Url { get; set; } = new("ws://127.0.0.1:8080/ws");

    public Uri Http { get; set; } = new("http://127.0.0.1:8080");

    public int Connections { get; set; } = 100;

    public int Rooms { get; set; } = 1;

    public string RoomSizes { get; set; } = "uniform";

    public IReadOnlyList<string>? RoomNames { get; set; }

    public string RoomPrefix { get; set; } = "lgroom";

    public int Publishers { get; set; } = 1;

    public double Rate { get; set; } = 10;

    public double Duration { get; set; } = 30;

    public double RampRate { get; set; } = 2000;

    public int ConnectConcurrency { get; set; } = 200;

    public IReadOnlyList<IPAddress> SourceAddresses { get; set; } = [];

    public string? Token { get; set; }

    public string? TokensFile { get; set; }

    public int Users { get; set; }

    public string UserPrefix { get; set; } = "lguser";

    public string Password { get; set; } = "LoadGen-Password-2026!";

    public bool AuthenticatedReaders { get; set; }

    public bool Idle { get; set; }

    public int History { get; set; }

    public double Warmup { get; set; } = 2;

    /// <summary>Seconds from the start of publishing whose messages also go to a separate latency histogram (0: none).</summary>
    public double FirstWindow { get; set; }

    public int MessageSize { get; set; }

    public IReadOnlyList<int> ServerPids { get; set; } = [];

    /// <summary>The server's Prometheus endpoint: its stage histograms over the measured window go into the result.</summary>
    public Uri? ServerMetrics { get; set; }

    /// <summary>Bearer credential for <see cref="ServerMetrics"/> (the Host's <c>Admin:ApiKey</c>).</summary>
    public string? ServerMetricsKey { get; set; }

    public string? Json { get; set; }

    public int Processes { get; set; } = 1;

    public StampClock? Clock { get; set; }

    public int SliceStart { get; set; }

    public int SliceCount { get; set; } = -1;

    public RoomSetup Setup { get; set; } = RoomSetup.None;

    public string? Admin { get; set; }

    public string CreateRoomPath { get; set; } = "/api/rooms";

    public bool Quiet { get; set; }

    public IReadOnlyList<string> Merge { get; set; } = [];

    public bool Help { get; set; }

    /// <summary>The effective clock: monotonic in one process, wall-clock µs when split over processes.</summary>
    public StampClock EffectiveClock => Clock ?? (Processes > 1 ? StampClock.Wall : StampClock.Monotonic);

    public int EffectiveSliceCount => SliceCount < 0 ? Connections - SliceStart : SliceCount;

    public string RoomName(int room) => RoomNames is { Count: > 0 } names ? names[room] : RoomPrefix + room.ToString(CultureInfo.InvariantCulture);

    public const string Usage = """
        CommunityStream.LoadGen: chat load generator (protocol v1). Every option takes one value unless marked flag.
          --url ws://127.0.0.1:8080/ws     WebSocket endpoint
          --http http://127.0.0.1:8080     HTTP base for register/login/setup
          --connections N                  connections to open (default 100)
          --rooms M                        rooms (default 1)
          --room-sizes SPEC                uniform | one-big:K | explicit list "10,10,500" (default uniform)
          --room-names a,b,c               room names (default --room-prefix + index)
          --room-prefix P                  default lgroom (names are 3–25 letters, digits, underscores)
          --setup none|channel|create      create the rooms first (channel: owner named like the room gets the streamer role; needs --admin)
          --admin login:password           admin account for --setup
          --create-room-path /api/rooms    endpoint for --setup create
          --publishers P                   connections that publish (default 1), spread over rooms
          --rate R                         messages per second per room, shared by its publishers (default 10)
          --message-size B                 pad message text to B characters (default: stamp only)
          --duration S                     hard cap on the whole run, seconds (default 30)
          --ramp-rate C                    connections opened per second (default 2000)
          --connect-concurrency K          connects in flight at once (default 200)
          --source-addresses a,b,...       bind client sockets to these local addresses round-robin (a range: 127.0.0.2-101)
          --token JWT                      access token for every authenticated connection
          --users K                        register (or reuse) and log in K users lguser-0..K-1, reuse their tokens
          --user-prefix P / --password PW  names and password of those users
          --auth-readers                   flag: readers also connect with a token (default anonymous)
          --history H                      history asked for on join (default 0)
          --warmup S                       messages sent in the first S seconds of publishing are counted and checked but not
                                           in the latency histogram (default 2; at most half the publish window)
          --first-window S                 also report the latency of messages sent in the first S seconds of publishing
                                           on their own (a fresh server's start; independent of --warmup; default 0: off)
          --idle                           flag: connect and hold until the end, no join, no publishing
          --server-pid PID / --server-pids a,b   sample server RSS and CPU from /proc
          --server-metrics URL             scrape the server's /metrics when latency counting starts and when publishing
                                           ends; its stage histograms (communitystream_chat_stage_*, _journal_*) over that
                                           window go into the result (one process only; with --processes: the whole run)
          --server-metrics-key KEY         bearer key for --server-metrics (the Host's Admin:ApiKey)
          --json FILE                      write the machine-readable result
          --processes K                    split over K child processes (each gets its share of connections and addresses)
          --clock monotonic|wall           stamp clock (default monotonic; wall µs when --processes > 1)
          --quiet                          flag: no progress lines
          --merge a.json,b.json            only merge earlier results (histograms, counters, server figures summed) and print them
        """;

    public static LoadGenOptions Parse(IReadOnlyList<string> args)
    {
        var options = new LoadGenOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string? inline = null;
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                inline = arg[(eq + 1)..];
                arg = arg[..eq];
            }

            string Value()
            {
                if (inline is not null)
                {
                    return inline;
                }

                if (i + 1 >= args.Count)
                {
                    throw new ArgumentException($"{arg} needs a value");
                }

                return args[++i];
            }

            switch (arg)
            {
                case "--url": options.Url = new Uri(Value()); break;
                case "--http": options.Http = new Uri(Value()); break;
                case "--connections": options.Connections = PositiveInt(arg, Value(), allowZero: true); break;
                case "--rooms": options.Rooms = PositiveInt(arg, Value()); break;
                case "--room-sizes": options.RoomSizes = Value(); break;
                case "--room-names": options.RoomNames = List(Value()); break;
                case "--room-prefix": options.RoomPrefix = Value(); break;
                case "--setup": options.Setup = Enum.Parse<RoomSetup>(Value(), ignoreCase: true); break;
                case "--admin": options.Admin = Value(); break;
                case "--create-room-path": options.CreateRoomPath = Value(); break;
                case "--publishers": options.Publishers = PositiveInt(arg, Value(), allowZero: true); break;
                case "--rate": options.Rate = PositiveDouble(arg, Value()); break;
                case "--message-size": options.MessageSize = PositiveInt(arg, Value(), allowZero: true); break;
                case "--duration": options.Duration = PositiveDouble(arg, Value()); break;
                case "--ramp-rate": options.RampRate = PositiveDouble(arg, Value()); break;
                case "--connect-concurrency": options.ConnectConcurrency = PositiveInt(arg, Value()); break;
                case "--source-addresses": options.SourceAddresses = Addresses(Value()); break;
                case "--token": options.Token = Value(); break;
                case "--tokens-file": options.TokensFile = Value(); break;
                case "--users": options.Users = PositiveInt(arg, Value(), allowZero: true); break;
                case "--user-prefix": options.UserPrefix = Value(); break;
                case "--password": options.Password = Value(); break;
                case "--auth-readers": options.AuthenticatedReaders = true; break;
                case "--warmup": options.Warmup = double.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--first-window": options.FirstWindow = PositiveDouble(arg, Value()); break;
                case "--history": options.History = PositiveInt(arg, Value(), allowZero: true); break;
                case "--idle": options.Idle = true; break;
                case "--server-pid":
                case "--server-pids": options.ServerPids = [.. options.ServerPids, .. List(Value()).Select(p => PositiveInt(arg, p))]; break;
                case "--server-metrics": options.ServerMetrics = new Uri(Value()); break;
                case "--server-metrics-key": options.ServerMetricsKey = Value(); break;
                case "--json": options.Json = Value(); break;
                case "--processes": options.Processes = PositiveInt(arg, Value()); break;
                case "--clock": options.Clock = Enum.Parse<StampClock>(Value(), ignoreCase: true); break;
                case "--slice":
                    var parts = Value().Split(':');
                    if (parts.Length != 2)
                    {
                        throw new ArgumentException("--slice needs start:count");
                    }

                    options.SliceStart = PositiveInt(arg, parts[0], allowZero: true);
                    options.SliceCount = PositiveInt(arg, parts[1], allowZero: true);
                    break;
                case "--quiet": options.Quiet = true; break;
                case "--merge": options.Merge = List(Value()); break;
                case "--help" or "-h": options.Help = true; break;
                default: throw new ArgumentException($"unknown option {arg}");
            }
        }

        options.Validate();
        return options;
    }

    private void Validate()
    {
        if (RoomNames is { Count: > 0 } names && names.Count != Rooms)
        {
            if (Rooms != 1)
            {
                throw new ArgumentException($"--room-names lists {names.Count} rooms but --rooms is {Rooms}");
            }

            Rooms = names.Count;
        }

        if (SliceStart + EffectiveSliceCount > Connections)
        {
            throw new ArgumentException("--slice reaches past --connections");
        }

        if (Setup != RoomSetup.None && Admin is null)
        {
            throw new ArgumentException("--setup needs --admin login:password");
        }

        if (Merge.Count == 0 && !Idle && Publishers > 0 && Token is null && Users == 0 && TokensFile is null)
        {
            throw new ArgumentException("publishers need --token, --users K or --tokens-file (anonymous connections never post)");
        }
    }

    /// <summary>A comma list of IPv4 addresses; an entry <c>127.0.0.2-101</c> is a range of the last octet.</summary>
    internal static IReadOnlyList<IPAddress> Addresses(string value)
    {
        var addresses = new List<IPAddress>();
        foreach (var entry in List(value))
        {
            var dash = entry.IndexOf('-', StringComparison.Ordinal);
            if (dash < 0)
            {
                addresses.Add(IPAddress.Parse(entry));
                continue;
            }

            var first = IPAddress.Parse(entry[..dash]).GetAddressBytes();
            var last = PositiveInt("--source-addresses", entry[(dash + 1)..]);
            if (first.Length != 4 || last > 255 || last < first[3])
            {
                throw new ArgumentException($"bad address range '{entry}' (expected like 127.0.0.2-101)");
            }

            for (int octet = first[3]; octet <= last; octet++)
            {
                addresses.Add(new IPAddress([first[0], first[1], first[2], (byte)octet]));
            }
        }

        return addresses;
    }

    private static string[] List(string value) =>
        value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static int PositiveInt(string name, string value, bool allowZero = false)
    {
        if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) || n < 0 || (n == 0 && !allowZero))
        {
            throw new ArgumentException($"{name} needs a {(allowZero ? "non-negative" : "positive")} integer, got '{value}'");
        }

        return n;
    }

    private static double PositiveDouble(string name, string value)
    {
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || d <= 0 || !double.IsFinite(d))
        {
            throw new ArgumentException($"{name} needs a positive number, got '{value}'");
        }

        return d;
    }
}
