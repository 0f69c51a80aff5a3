using System.Diagnostics;
using System.Net;
using System.Text.Json;
using CommunityStream.Host.Tests.Support;
using Xunit.Abstractions;

namespace CommunityStream.Host.Tests;

/// <summary>The real Host binary's readiness: quiet while it joins, 503 from the moment SIGTERM arrives.</summary>
[Collection(SerialHostTests.Name)]
public sealed class ReadinessProcessTests(ITestOutputHelper output)
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Should_report_not_ready_at_SIGTERM_while_still_serving_and_refuse_new_chat_sockets()
    {
        using var data = new TempDirectory();
        await using var host = HostProcess.Start(data.Path);
        await host.WaitReadyAsync(ReadyTimeout);
        using var http = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var wsUri = new Uri($"ws://{host.BaseAddress.Authority}/ws");
        // A client that never answers the close keeps the drain going for its one-second bound.
        using var silent = await ChatSocket.ConnectAsync(wsUri);

        var stopwatch = Stopwatch.StartNew();
        using (var kill = Process.Start("kill", ["-TERM", host.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }
        var ready = await Eventually.Until(() => StatusAsync(http, "/healthz/ready"), status => status != HttpStatusCode.OK, TimeSpan.FromSeconds(10), "readiness to change");
        var notReadyAfter = stopwatch.Elapsed;
        var live = await StatusAsync(http, "/healthz/live");
        var upgrade = await ChatSocket.TryUpgradeAsync(wsUri);
        var exitCode = await host.WaitForExitAsync(ExitTimeout);
        output.WriteLine($"503 after {notReadyAfter.TotalMilliseconds:0} ms; exited after {stopwatch.Elapsed.TotalMilliseconds:0} ms");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready);
        Assert.Equal(HttpStatusCode.OK, live);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, upgrade);
        Assert.Equal(0, exitCode);
    }

    [Fact]
    public async Task Should_log_no_errors_while_joining_and_each_readiness_change_once()
    {
        using var data = new TempDirectory();
        // The chat warm-up holds readiness back for a while after Kestrel listens: the first read of the journal used
        // to do that on its own, and the node's own SQLite journal answers too fast for the probes to see it unready.
        await using var host = HostProcess.Start(data.Path, "--Chat:WarmupOnStart", "true");

        // Polls from the moment Kestrel listens, through the join, until ready: every probe is logged by ASP.NET Core.
        await host.WaitReadyAsync(ReadyTimeout);
        await host.TerminateAsync(ExitTimeout);

        var lines = host.Output.Split('\n');
        Assert.DoesNotContain(lines, line => line.Contains("fail:", StringComparison.Ordinal));
        Assert.Single(lines, line => line.Contains("Health probe ready is healthy", StringComparison.Ordinal));
        // The probes did see the node unready while it joined (so ASP.NET Core's error lines would have shown).
        Assert.Contains(lines, line => line.Contains("info: CommunityStream.Host.Health", StringComparison.Ordinal)
            && line.Contains("Health probe ready is not healthy", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Should_report_ready_only_once_the_chat_path_is_warmed_up()
    {
        using var data = new TempDirectory();
        await using var host = HostProcess.Start(data.Path, "--Chat:WarmupOnStart", "true");
        await host.WaitReadyAsync(ReadyTimeout);
        using var http = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        using var ready = JsonDocument.Parse(await http.GetStringAsync(new Uri("/healthz/ready", UriKind.Relative)));
        await host.TerminateAsync(ExitTimeout);

        var warmup = ready.RootElement.GetProperty("checks").EnumerateArray().Single(check => check.GetProperty("name").GetString() == "chat-warmup");
        Assert.Equal("Healthy", warmup.GetProperty("status").GetString());
        Assert.Matches("^chat path warmed up: [1-9][0-9]* messages, [1-9][0-9]* journal events", warmup.GetProperty("description").GetString());
        var lines = host.Output.Split('\n').ToList();
        var warmedUp = lines.FindIndex(line => line.Contains("Chat warm-up: chat path warmed up", StringComparison.Ordinal));
        var healthy = lines.FindIndex(line => line.Contains("Health probe ready is healthy", StringComparison.Ordinal));
        Assert.InRange(warmedUp, 0, healthy);
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient http, string path)
    {
        try
        {
            using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            // Port closed: no answer at all.
            return 0;
        }
    }
}
