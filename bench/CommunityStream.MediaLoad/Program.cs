using System.Text.Json;
using CommunityStream.MediaLoad;

MediaLoadOptions options;
try
{
    options = MediaLoadOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException or UriFormatException)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(MediaLoadOptions.Usage);
    return 2;
}

if (options.Help)
{
    Console.WriteLine(MediaLoadOptions.Usage);
    return 0;
}

// Hard stop: whatever happens (a stuck handshake, a server that stops answering), the process ends shortly after --duration.
using var watchdog = new Timer(
    _ =>
    {
        Console.Error.WriteLine("mediaload: watchdog expired, exiting");
        Environment.Exit(3);
    },
    null,
    TimeSpan.FromSeconds(options.Duration + 15),
    Timeout.InfiniteTimeSpan);

var result = await new MediaLoadRun(options, Console.Error).RunAsync(CancellationToken.None);
Console.Write(result.ToTable());
if (options.Json is not null)
{
    await File.WriteAllTextAsync(options.Json, JsonSerializer.Serialize(result, MediaLoadResult.Json));
}

return result.PublisherFailure is null ? 0 : 1;
