using System.Text.Json;
using CommunityStream.HlsLatency;

LatencyOptions options;
try
{
    options = LatencyOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException or UriFormatException)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(LatencyOptions.Usage);
    return 2;
}
if (options.Help)
{
    Console.WriteLine(LatencyOptions.Usage);
    return 0;
}

// Hard stop: whatever happens, the process ends shortly after the warm-up and the window.
using var watchdog = new Timer(
    _ =>
    {
        Console.Error.WriteLine("hlslatency: watchdog expired, exiting");
        Environment.Exit(3);
    },
    null,
    TimeSpan.FromSeconds(options.Warmup + options.Duration + 120),
    Timeout.InfiniteTimeSpan);

var figures = await LatencyRun.RunAsync(options, Console.Error);
Console.WriteLine("glass-to-glass by on-frame timecode (viewer Date.now() at the presented frame minus the publisher's drawn Date.now()):");
Console.Write(LatencyFigures.Table(figures));
if (options.Json is not null)
{
    await File.WriteAllTextAsync(options.Json, JsonSerializer.Serialize(figures, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }));
}
return figures.Any(f => f.Count == 0) ? 1 : 0;
