using System.Diagnostics;
using System.Globalization;

namespace CommunityStream.Failover;

/// <summary>
/// One Host node as a child process (<c>dotnet CommunityStream.Host.dll</c>) with fixed ports, so a restart comes
/// back at the same addresses. Each incarnation logs to its own file in the output directory. With a network
/// namespace the process starts through <c>ip netns exec</c>, which execs it: the child's pid is the Host's.
/// </summary>
internal sealed class HostNode(int index, string hostDll, string address, int httpPort, int clusterPort, int mediaPort, string dataDirectory, string logDirectory, IReadOnlyList<string> sharedArguments, string? networkNamespace = null) : IDisposable
{
    private Process? _process;
    private StreamWriter? _log;
    private int _incarnation;

    public int Index => index;

    /// <summary>1-based, as in the report.</summary>
    public int Number => index + 1;

    public int ClusterPort => clusterPort;

    public Uri Http { get; } = new($"http://{address}:{httpPort}");

    public Uri WebSocket { get; } = new($"ws://{address}:{httpPort}/ws");

    public string? CurrentLog { get; private set; }

    /// <summary>Every incarnation's log and when the bench ended it (UTC, to line up with the log's timestamps).</summary>
    public List<(string Log, DateTime? EndedUtc)> Incarnations { get; } = [];

    public bool Running
    {
        get
        {
            try
            {
                return _process is { HasExited: false };
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }
    }

    public int? Pid => _process?.Id;

    public void Start()
    {
        _process?.Dispose();
        _incarnation++;
        CurrentLog = Path.Combine(logDirectory, string.Create(CultureInfo.InvariantCulture, $"node{Number}-run{_incarnation}.log"));
        _log = new StreamWriter(CurrentLog) { AutoFlush = true };
        Incarnations.Add((CurrentLog, null));
        var info = new ProcessStartInfo(networkNamespace is null ? "dotnet" : "ip")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dataDirectory,
        };
        if (networkNamespace is not null)
        {
            foreach (var argument in new[] { "netns", "exec", networkNamespace, "dotnet" })
            {
                info.ArgumentList.Add(argument);
            }
        }

        info.ArgumentList.Add(hostDll);
        foreach (var argument in Arguments())
        {
            info.ArgumentList.Add(argument);
        }

        // A developer's CS_ variables must not leak into the bench's nodes.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("CS_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(key);
        }

        var process = new Process { StartInfo = info };
        var log = _log;
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
    }

    private IEnumerable<string> Arguments()
    {
        string[] own =
        [
            "--Http:Url", Http.ToString().TrimEnd('/'), "--Admin:Url", "http://127.0.0.1:0", "--Cluster:Hostname", address,
            "--Cluster:Port", clusterPort.ToString(CultureInfo.InvariantCulture),
            "--Media:UdpPort", mediaPort.ToString(CultureInfo.InvariantCulture), "--DataDirectory", dataDirectory,
        ];
        return own.Concat(sharedArguments);
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            try
            {
                log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // The incarnation ended; late lines are dropped.
            }
        }
    }

    /// <summary>kill -9: no shutdown, no leave; the others must detect and down it.</summary>
    private void MarkEnded()
    {
        if (Incarnations.Count > 0 && Incarnations[^1].EndedUtc is null)
        {
            Incarnations[^1] = (Incarnations[^1].Log, DateTime.UtcNow);
        }
    }

    public void Kill()
    {
        MarkEnded();
        try
        {
            if (_process is { HasExited: false } process)
            {
                process.Kill(entireProcessTree: false);
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Disposed or never started: nothing to kill.
        }

        CloseLog();
    }

    /// <summary>SIGTERM (graceful leave); waits for the exit and returns its code, or -1 after a kill at the timeout.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        if (_process is not { HasExited: false } process)
        {
            return _process?.ExitCode ?? 0;
        }

        MarkEnded();
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
            process.WaitForExit();
            CloseLog();
            return process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            Kill();
            return -1;
        }
    }

    /// <summary>Polls <c>/healthz/ready</c> until 200; false at the timeout or when the process exits.</summary>
    public async Task<bool> WaitReadyAsync(HttpClient http, TimeSpan timeout)
    {
        var until = MonotonicClock.NowMs + timeout.TotalMilliseconds;
        while (MonotonicClock.NowMs < until)
        {
            if (!Running)
            {
                return false;
            }

            try
            {
                using var response = await http.GetAsync(new Uri(Http, "/healthz/ready"));
                if ((int)response.StatusCode == 200)
                {
                    return true;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(250);
        }

        return false;
    }

    private void CloseLog()
    {
        var log = _log;
        if (log is null)
        {
            return;
        }

        lock (log)
        {
            log.Dispose();
        }

        _log = null;
    }

    public async Task StopAsync()
    {
        if (Running)
        {
            await TerminateAsync(TimeSpan.FromSeconds(30));
        }

        Dispose();
    }

    public void Dispose()
    {
        CloseLog();
        _process?.Dispose();
        _process = null;
    }
}
