using System.Globalization;
using CommunityStream.HlsLoad;

if (args.Length > 0 && args[0] == "publish")
{
    string? Arg(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
    if (Arg("--server") is not { } server || Arg("--channel") is not { } channel || Arg("--stream-key") is not { } key)
    {
        Console.Error.WriteLine(HlsLoadOptions.Usage);
        return 2;
    }
    var seconds = Math.Clamp(double.Parse(Arg("--duration") ?? "60", CultureInfo.InvariantCulture), 1, 3600);
    return await ChromiumPublisher.RunAsync(new Uri(server), channel, key, TimeSpan.FromSeconds(seconds), Console.Error);
}

HlsLoadOptions options;
try
{
    options = HlsLoadOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException or UriFormatException)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(HlsLoadOptions.Usage);
    return 2;
}

if (options.Help)
{
    Console.WriteLine(HlsLoadOptions.Usage);
    return 0;
}

// Hard stop: whatever happens, the process ends shortly after the ramp and the window.
using var watchdog = new Timer(
    _ =>
    {
        Console.Error.WriteLine("hlsload: watchdog expired, exiting");
        Environment.Exit(3);
    },
    null,
    TimeSpan.FromSeconds(options.Ramp + options.Duration + 60),
    Timeout.InfiniteTimeSpan);

var result = await HlsLoadRun.RunAsync(options, Console.Error);
Console.Write(result.ToTable());
if (options.Json is not null)
{
    await File.WriteAllTextAsync(options.Json, result.ToJson());
}
return 0;
