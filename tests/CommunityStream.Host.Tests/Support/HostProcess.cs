using System.Diagnostics;
using System.Text;

namespace CommunityStream.Host.Tests.Support;

/// <summary>The real Host binary in its own process, as an operator runs it.</summary>
internal sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _errors = new();

    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HostProcess(Process process)
    {
        _process = process;
    }

    /// <summary>The address Kestrel reported ("Now listening on: …"); valid once <see cref="WaitReadyAsync"/> returned.</summary>
    public Uri BaseAddress => _listening.Task.IsCompletedSuccessfully
        ? _listening.Task.Result
        : throw new InvalidOperationException("The host has not reported its address yet");

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public string Errors
    {
        get
        {
            lock (_errors)
            {
                return _errors.ToString();
            }
        }
    }

    /// <summary>
    /// Starts the Host with HTTP and cluster ports chosen by the OS (port 0), plus <paramref name="arguments"/>;
    /// picking a "free" port in the test would race with the node's own port-0 cluster socket.
    /// </summary>
    public static HostProcess Start(string dataDirectory, params string[] arguments) =>
        StartOn(0, dataDirectory, arguments);

    public static HostProcess StartOn(int httpPort, string dataDirectory, params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dataDirectory,
        };
        info.ArgumentList.Add(RepositoryPaths.HostDll);
        string[] defaults = ["--Http:Url", $"http://127.0.0.1:{httpPort}", "--Admin:Url", "http://127.0.0.1:0", "--DataDirectory", dataDirectory, "--Cluster:Port", "0", "--Media:UdpPort", "0"];
        foreach (var argument in defaults.Concat(arguments))
        {
            info.ArgumentList.Add(argument);
        }
        // A developer's CS_ variables must not leak into the test.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("CS_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(key);
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var host = new HostProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            Append(host._output, e.Data);
            host.NoticeListening(e.Data);
        };
        process.ErrorDataReceived += (_, e) => Append(host._errors, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    /// <summary>Polls <c>/healthz/ready</c> until it answers 200; fails early if the process dies.</summary>
    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(_listening.Task, exited, Task.Delay(timeout));
        if (first != _listening.Task)
        {
            throw new InvalidOperationException($"Host reported no listening address (exited: {_process.HasExited}): {Errors}\n{Output}");
        }
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        await Eventually.Until(
            async () =>
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"Host exited with {_process.ExitCode}: {Errors}\n{Output}");
                }
                try
                {
                    using var response = await http.GetAsync(new Uri("/healthz/ready", UriKind.Relative));
                    return (int)response.StatusCode;
                }
                catch (HttpRequestException)
                {
                    return 0;
                }
            },
            status => status == 200,
            timeout,
            "/healthz/ready to answer 200");
    }

    /// <summary>Sends SIGTERM, as Kubernetes and systemd do, and waits for the exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }
        return await WaitForExitAsync(timeout);
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private void NoticeListening(string? line)
    {
        const string marker = "Now listening on: ";
        var at = line?.IndexOf(marker, StringComparison.Ordinal) ?? -1;
        if (at >= 0)
        {
            _listening.TrySetResult(new Uri(line![(at + marker.Length)..].Trim()));
        }
    }

    private static void Append(StringBuilder target, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (target)
        {
            target.AppendLine(line);
        }
    }
}
