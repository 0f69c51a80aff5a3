using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;

namespace CommunityStream.LoadGen;

/// <summary>
/// Runs a whole load test: obtains tokens and sets up rooms once, then runs in this process or splits
/// the connections over <c>--processes</c> children (each with its slice, its share of source addresses
/// and of the ramp), samples the servers while they hold, and merges the children's results.
/// </summary>
internal sealed class Coordinator(LoadGenOptions options, IReadOnlyList<string> args, TextWriter log)
{
    /// <summary>Options a child must not inherit: the parent does them, or passes its own value.</summary>
    private static readonly HashSet<string> ParentOnly =
    [
        "--processes", "--json", "--server-pid", "--server-pids", "--server-metrics", "--server-metrics-key", "--users", "--setup", "--admin", "--create-room-path",
        "--source-addresses", "--slice", "--token", "--tokens-file", "--clock", "--ramp-rate", "--connect-concurrency",
    ];

    private static readonly string[] StreamerRoles = ["viewer", "streamer"];

    private static readonly HashSet<string> Flags = ["--idle", "--auth-readers", "--quiet", "--help", "-h"];

    public async Task<RunResult> RunAsync()
    {
        var tokens = await PrepareAsync();
        if (options.Processes == 1)
        {
            return await new LoadRun(options, tokens, log).RunAsync();
        }

        return await RunChildrenAsync(tokens);
    }

    private async Task<IReadOnlyList<string>> PrepareAsync()
    {
        var tokens = new List<string>();
        if (options.Token is not null)
        {
            tokens.Add(options.Token);
        }

        if (options.TokensFile is not null)
        {
            tokens.AddRange((await File.ReadAllLinesAsync(options.TokensFile)).Where(l => l.Length > 0));
        }

        if (options.Users == 0 && options.Setup == RoomSetup.None)
        {
            return tokens;
        }

        using var auth = new AuthClient(options.Http, options.SourceAddresses);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(Math.Max(60, options.Duration)));
        if (options.Setup != RoomSetup.None)
        {
            await SetUpRoomsAsync(auth, timeout.Token);
        }

        // Two at a time: each login is a PBKDF2 hash on a server that has two cores.
        using var gate = new SemaphoreSlim(2);
        var logins = Enumerable.Range(0, options.Users).Select(async i =>
        {
            await gate.WaitAsync(timeout.Token);
            try
            {
                return (await auth.RegisterAndLoginAsync(string.Create(CultureInfo.InvariantCulture, $"{options.UserPrefix}{i}"), options.Password, timeout.Token)).Token;
            }
            finally
            {
                gate.Release();
            }
        });
        tokens.AddRange(await Task.WhenAll(logins));
        log.WriteLine($"logged in {options.Users} user(s)");
        return tokens;
    }

    private async Task SetUpRoomsAsync(AuthClient auth, CancellationToken ct)
    {
        var colon = options.Admin!.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            throw new ArgumentException("--admin needs login:password");
        }

        var (adminToken, _) = await auth.LoginAsync(options.Admin[..colon], options.Admin[(colon + 1)..], ct);
        for (var r = 0; r < options.Rooms; r++)
        {
            var name = options.RoomName(r);
            if (options.Setup == RoomSetup.Channel)
            {
                var (token, id) = await auth.RegisterAndLoginAsync(name, options.Password, ct);
                id ??= await auth.GetMyIdAsync(token, ct);
                var status = await auth.SendAsAsync(adminToken, HttpMethod.Put, $"/api/users/{id}/roles", new { roles = StreamerRoles }, ct);
                if (status != HttpStatusCode.OK)
                {
                    throw new HttpRequestException($"streamer role for {name}: {(int)status}");
                }
            }
            else
            {
                var status = await auth.SendAsAsync(adminToken, HttpMethod.Post, options.CreateRoomPath, new { name }, ct);
                if ((int)status >= 300 && status != HttpStatusCode.Conflict)
                {
                    throw new HttpRequestException($"create room {name}: {(int)status}");
                }
            }
        }

        log.WriteLine($"set up {options.Rooms} room(s) ({options.Setup})");
    }

    private async Task<RunResult> RunChildrenAsync(IReadOnlyList<string> tokens)
    {
        var work = Directory.CreateTempSubdirectory("loadgen-");
        try
        {
            var tokensFile = Path.Combine(work.FullName, "tokens");
            await File.WriteAllLinesAsync(tokensFile, tokens);
            using var watch = options.ServerPids.Count > 0 ? new ServerWatch(options.ServerPids) : null;
            // Children keep their own schedules: the parent's stage window is the whole run.
            using var stages = options.ServerMetrics is { } metricsUrl ? new ServerStages(metricsUrl, options.ServerMetricsKey) : null;
            if (stages is not null)
            {
                await stages.StartAsync();
            }
            var started = Stopwatch.StartNew();
            var children = new List<(Process Process, string Json)>();
            var slices = Slices(options.SliceStart, options.EffectiveSliceCount, options.Processes);
            for (var c = 0; c < options.Processes; c++)
            {
                var json = Path.Combine(work.FullName, $"child{c}.json");
                var start = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false };
                if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
                {
                    start.ArgumentList.Add(typeof(Coordinator).Assembly.Location);
                }

                foreach (var arg in ChildArgs(args, options, c, slices[c], tokens.Count > 0 ? tokensFile : null, json))
                {
                    start.ArgumentList.Add(arg);
                }

                children.Add((Process.Start(start)!, json));
            }

            var schedule = RunSchedule.For(options.Duration);
            ServerFigures? server = null;
            if (watch is not null)
            {
                // Sample while the children hold: just before their close phase.
                var holdSample = schedule.HoldEnd - TimeSpan.FromSeconds(0.3) - started.Elapsed;
                if (holdSample > TimeSpan.Zero)
                {
                    await Task.Delay(holdSample);
                }
            }

            var results = new List<RunResult>();
            var heldKnownLater = watch?.Finish(0);
            var serverStages = stages is null ? null : await stages.FinishAsync();
            var deadline = schedule.Total + TimeSpan.FromSeconds(30);
            foreach (var (process, json) in children)
            {
                using (process)
                {
                    using var wait = new CancellationTokenSource(deadline - started.Elapsed > TimeSpan.Zero ? deadline - started.Elapsed : TimeSpan.Zero);
                    try
                    {
                        await process.WaitForExitAsync(wait.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        process.Kill(entireProcessTree: true);
                        log.WriteLine($"child {process.Id} overran the deadline and was killed");
                    }

                    if (File.Exists(json))
                    {
                        results.Add(JsonSerializer.Deserialize<RunResult>(await File.ReadAllTextAsync(json), RunResult.Json)!);
                    }
                }
            }

            var merged = RunResult.Merge(results);
            if (heldKnownLater is not null)
            {
                heldKnownLater.RssBytesPerConnection = merged.ConnectionsHeld > 0
                    ? Math.Round((heldKnownLater.RssHeldKiB - heldKnownLater.RssBaselineKiB) * 1024.0 / merged.ConnectionsHeld)
                    : 0;
                server = heldKnownLater;
            }

            merged.Server = server;
            merged.ServerStages = serverStages;
            merged.Processes = options.Processes;
            if (results.Count < options.Processes)
            {
                log.WriteLine($"only {results.Count} of {options.Processes} children reported");
            }

            return merged;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>Splits [start, start+count) into <paramref name="parts"/> near-equal contiguous slices.</summary>
    internal static (int Start, int Count)[] Slices(int start, int count, int parts)
    {
        var slices = new (int, int)[parts];
        var at = start;
        for (var p = 0; p < parts; p++)
        {
            var n = (count / parts) + (p < count % parts ? 1 : 0);
            slices[p] = (at, n);
            at += n;
        }

        return slices;
    }

    /// <summary>The command line of child <paramref name="child"/>: the parent's options minus the parent-only ones, plus its slice, addresses, ramp share and output.</summary>
    internal static List<string> ChildArgs(IReadOnlyList<string> args, LoadGenOptions options, int child, (int Start, int Count) slice, string? tokensFile, string json)
    {
        var result = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i].Split('=', 2)[0];
            var hasInlineValue = args[i].Contains('=', StringComparison.Ordinal);
            var takesValue = !Flags.Contains(name) && !hasInlineValue;
            if (ParentOnly.Contains(name))
            {
                if (takesValue)
                {
                    i++;
                }

                continue;
            }

            result.Add(args[i]);
            if (takesValue && i + 1 < args.Count)
            {
                result.Add(args[++i]);
            }
        }

        var ci = CultureInfo.InvariantCulture;
        result.AddRange(["--slice", $"{slice.Start}:{slice.Count}", "--json", json, "--clock", options.EffectiveClock.ToString().ToLowerInvariant()]);
        result.AddRange(["--ramp-rate", (options.RampRate / options.Processes).ToString(ci), "--connect-concurrency", Math.Max(1, options.ConnectConcurrency / options.Processes).ToString(ci)]);
        if (tokensFile is not null)
        {
            result.AddRange(["--tokens-file", tokensFile]);
        }

        var sources = options.SourceAddresses;
        if (sources.Count > 0)
        {
            var mine = sources.Count >= options.Processes
                ? sources.Where((_, i) => i % options.Processes == child)
                : [sources[child % sources.Count]];
            result.AddRange(["--source-addresses", string.Join(',', mine)]);
        }

        return result;
    }
}
