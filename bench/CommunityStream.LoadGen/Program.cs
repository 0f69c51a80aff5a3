using System.Globalization;
using System.Text.Json;
using CommunityStream.LoadGen;

LoadGenOptions options;
try
{
    options = LoadGenOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException or UriFormatException)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(LoadGenOptions.Usage);
    return 2;
}

if (options.Help)
{
    Console.WriteLine(LoadGenOptions.Usage);
    return 0;
}

if (options.Merge.Count > 0)
{
    var parts = new List<RunResult>();
    foreach (var file in options.Merge)
    {
        parts.Add(JsonSerializer.Deserialize<RunResult>(await File.ReadAllTextAsync(file), RunResult.Json)!);
    }

    var merged = RunResult.Merge(parts);
    merged.Scenario = string.Create(CultureInfo.InvariantCulture, $"{merged.Scenario}; merged from {parts.Count} runs");
    Console.Write(merged.ToTable());
    if (options.Json is not null)
    {
        await File.WriteAllTextAsync(options.Json, JsonSerializer.Serialize(merged, RunResult.Json));
    }

    return 0;
}

// Hard stop: whatever happens, the process ends shortly after --duration (plus time for logins).
using var watchdog = new Timer(
    _ =>
    {
        Console.Error.WriteLine("loadgen: watchdog expired, exiting");
        Environment.Exit(3);
    },
    null,
    TimeSpan.FromSeconds(options.Duration + 60 + (options.Users * 2) + (options.Setup != RoomSetup.None ? options.Rooms * 2 : 0)),
    Timeout.InfiniteTimeSpan);

var log = Console.Error;
try
{
    var result = await new Coordinator(options, args, log).RunAsync();
    if (options.SliceCount < 0 || options.Json is null)
    {
        Console.Write(result.ToTable());
    }

    if (options.Json is not null)
    {
        await File.WriteAllTextAsync(options.Json, JsonSerializer.Serialize(result, RunResult.Json));
    }

    return 0;
}
catch (HttpRequestException e)
{
    log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"loadgen: setup failed: {e.Message}"));
    return 1;
}
