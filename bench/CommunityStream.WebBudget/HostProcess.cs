using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace CommunityStream.WebBudget;

/// <summary>
/// A fresh Host as a child process (<c>dotnet CommunityStream.Host.dll</c>) on a free loopback port with its own data
/// directory and a bench administrator (given through the environment, never the command line).
/// </summary>
internal sealed class HostProcess : IAsyncDisposable
{
    public const string AdminName = "webbudget_admin";

    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly string _directory;
    private readonly bool _keep;

    private HostProcess(Process process, StreamWriter log, string directory, Uri url, string adminPassword, bool keep)
    {
        _process = process;
        _log = log;
        _directory = directory;
        _keep = keep;
        Url = url;
        AdminPassword = adminPassword;
    }

    public Uri Url { get; }

    public string AdminPassword { get; }

    public string LogPath => Path.Combine(_directory, "host.log");

    public static async Task<HostProcess> StartAsync(string hostDll, bool keep)
    {
        var directory = Directory.CreateTempSubdirectory("cs-webbudget-").FullName;
        var port = FreePort();
        var url = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        var password = "Wb-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        foreach (var argument in new[]
                 {
                     hostDll, "--Http:Url", url.ToString().TrimEnd('/'), "--Admin:Url", "http://127.0.0.1:0", "--DataDirectory", directory,
                     "--Cluster:Port", "0", "--Media:UdpPort", "0", "--Logging:LogLevel:Default", "Warning",
                     // The chat flood's five posters send 10 messages/s each, over the default 20 per 30 s per user.
                     "--Chat:RateLimitMessages", "100000",
                 })
        {
            info.ArgumentList.Add(argument);
        }
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("CS_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(key);
        }
        info.Environment["CS_Identity__Admin__Username"] = AdminName;
        info.Environment["CS_Identity__Admin__Email"] = AdminName + "@example.test";
        info.Environment["CS_Identity__Admin__Password"] = password;

        var log = new StreamWriter(Path.Combine(directory, "host.log")) { AutoFlush = true };
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var host = new HostProcess(process, log, directory, url, password, keep);
        await host.WaitReadyAsync(TimeSpan.FromSeconds(60));
        return host;
    }

    private async Task WaitReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the Host exited with {_process.ExitCode}; see {LogPath}");
            }
            try
            {
                using var ready = await http.GetAsync("/healthz/ready");
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // not listening yet
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"the Host was not ready within {timeout.TotalSeconds:0} s; see {LogPath}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
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
                // stopped: late lines are dropped
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        lock (_log)
        {
            _log.Dispose();
        }
        if (!_keep)
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
