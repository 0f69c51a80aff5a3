using System.Globalization;
using CommunityStream.WebBudget;
using Microsoft.Playwright;

// The web app's budget (issue 16, docs/web.md): (a) all JS + CSS of the watch page, compressed as served;
// (b) navigation start to the first decoded video frame on /c/{channel}, p50/p90/min/max over N loads.
// Each figure is one line with the command that reproduces it. Not a test: it asserts nothing, it measures.
BudgetOptions options;
try
{
    options = BudgetOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException or UriFormatException)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(BudgetOptions.Usage);
    return 2;
}
if (options.Help)
{
    Console.WriteLine(BudgetOptions.Usage);
    return 0;
}
if (!File.Exists(options.Chromium))
{
    Console.Error.WriteLine($"no Chromium at {options.Chromium}: apt-get install -y chromium (never `playwright install`)");
    return 2;
}

HostProcess? host = null;
if (options.Url is null)
{
    var hostDll = Path.GetFullPath(options.HostDll ?? Path.Combine("src", "Host", "bin", "Release", "net10.0", "CommunityStream.Host.dll"));
    if (!File.Exists(hostDll))
    {
        Console.Error.WriteLine($"no Host build at {hostDll}: run `dotnet build -c Release src/Host` or pass --host-dll");
        return 2;
    }
    host = await HostProcess.StartAsync(hostDll, options.Keep);
    Console.WriteLine($"# Host {hostDll} at {host.Url} (log {host.LogPath}{(options.Keep ? "" : ", deleted at the end")})");
}
var site = options.Url ?? host!.Url;

try
{
    using var playwright = await Playwright.CreateAsync();
    await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = options.Chromium,
        Headless = true,
        Args =
        [
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
            "--allow-loopback-in-peer-connection", "--disable-features=WebRtcHideLocalIpsWithMdns",
            "--autoplay-policy=no-user-gesture-required",
        ],
    });
    Console.WriteLine($"# Chromium {browser.Version}, {Environment.ProcessorCount} cores, load average {LoadAverage()}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");

    WhipPublisher? publisher = null;
    if (options.MeasureFirstFrame || (options.MeasureChat && host is not null))
    {
        var key = options.StreamKey ?? await BenchStreamer.CreateAsync(site,
            host is not null ? HostProcess.AdminName : options.Admin!.Split(':', 2)[0],
            host is not null ? host.AdminPassword : options.Admin!.Split(':', 2)[1],
            options.Channel);
        publisher = await WhipPublisher.StartAsync(browser, site, options.Channel, key);
        await WhipPublisher.WaitListedAsync(site, options.Channel, TimeSpan.FromSeconds(20));
    }

    try
    {
        if (options.MeasureSize)
        {
            // Measured while the channel is live when (b) runs too, so modules the player loads only then count.
            var assets = await AssetSizeProbe.MeasureAsync(browser, site, options.Channel);
            var total = assets.Sum(a => a.WireBytes);
            foreach (var asset in assets)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {asset.WireBytes,8:N0} B  {asset.Encoding ?? "identity",-8} {asset.Type,-10} {asset.Url}"));
            }
            var verdict = total < 100_000 ? "within" : "OVER";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"watch page JS+CSS as served ({(publisher is null ? "channel offline" : "channel live")}): {total:N0} bytes ({total / 1024.0:0.0} KiB) in {assets.Count} files ({assets.Count(a => a.Encoding == "br")} Brotli); budget 100 KB: {verdict} | reproduce: {options.Reproduce(options.MeasureFirstFrame ? "all" : "size")}"));
        }

        if (options.MeasureFirstFrame)
        {
            // Our page and the floor page alternate, load by load, so both see the same machine.
            var loads = new List<FirstFrameProbe.Load>();
            var bare = new List<FirstFrameProbe.Load>();
            for (var i = 0; i < options.Loads; i++)
            {
                var load = await FirstFrameProbe.MeasureOnceAsync(browser, site, options.Channel, TimeSpan.FromSeconds(15));
                loads.Add(load);
                var floor = await FirstFrameProbe.MeasureBareOnceAsync(browser, site, options.Channel, TimeSpan.FromSeconds(15));
                bare.Add(floor);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  load {i + 1,2}: {Ms(load)}  ({load.How}; #player {load.PlayerState ?? "-"});  bare WHEP page: {Ms(floor)}"));
            }
            var measured = Sorted(loads);
            var floors = Sorted(bare);
            if (measured.Count == 0)
            {
                Console.WriteLine($"first frame on /c/{options.Channel}: no load decoded a frame within 15 s (does the watch page have video#player-video yet?) | reproduce: {options.Reproduce("first-frame")}");
            }
            else
            {
                var p50 = FirstFrameProbe.Percentile(measured, 50);
                var floorP50 = floors.Count > 0 ? FirstFrameProbe.Percentile(floors, 50) : double.NaN;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"first frame on /c/{options.Channel} (navigation start to first decoded frame, fresh context each): p50 {p50:0} ms, p90 {FirstFrameProbe.Percentile(measured, 90):0} ms, min {measured[0]:0} ms, max {measured[^1]:0} ms over {measured.Count}/{loads.Count} loads; " +
                    $"bare WHEP page (the floor) p50 {floorP50:0} ms over {floors.Count}/{bare.Count}, ratio {p50 / floorP50:0.00}; budget p50 < 1000 ms: {(p50 < 1000 && measured.Count == loads.Count ? "within" : "OVER")} | reproduce: {options.Reproduce(options.MeasureSize ? "all" : "first-frame")}"));
            }
        }

        if (options.MeasureChat && host is null)
        {
            Console.WriteLine("chat flood: skipped with --url (it needs the per-user rate limit the bench's own Host raises)");
        }
        else if (options.MeasureChat)
        {
            var flood = await ChatFloodProbe.MeasureAsync(browser, site, options.Channel);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"chat flood on /c/{options.Channel} while live ({ChatFloodProbe.MessagesPerSecond} msg/s for {ChatFloodProbe.Duration.TotalSeconds:0} s, {flood.Sent} messages): " +
                $"frame gaps p50 {flood.GapP50:0.0} ms, p99 {flood.GapP99:0.0} ms, max {flood.GapMax:0} ms; long tasks {flood.LongTasks} ({flood.LongTaskMs:0} ms); " +
                $"chat log {flood.ItemsAfter} items after; elements {flood.ElementsBefore} -> {flood.ElementsAfter}; JS heap {flood.HeapBefore / 1048576.0:0.0} -> {flood.HeapAfter / 1048576.0:0.0} MiB; " +
                $"last message shown: {(flood.LastShown ? "yes" : "NO")} | reproduce: {options.Reproduce("chat")}"));
        }
    }
    finally
    {
        if (publisher is not null)
        {
            await publisher.DisposeAsync();
        }
    }
}
finally
{
    if (host is not null)
    {
        await host.DisposeAsync();
    }
}
return 0;

static string Ms(FirstFrameProbe.Load load) => load.Milliseconds is { } ms ? string.Create(CultureInfo.InvariantCulture, $"{ms,7:0} ms") : "   none";

static List<double> Sorted(List<FirstFrameProbe.Load> loads) => [.. loads.Where(l => l.Milliseconds is not null).Select(l => l.Milliseconds!.Value).Order()];

static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
