using CommunityStream.Failover;

FailoverOptions options;
try
{
    options = FailoverOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(FailoverOptions.Usage);
    return 2;
}

if (options.Help)
{
    Console.WriteLine(FailoverOptions.Usage);
    return 0;
}

var hostDll = Path.GetFullPath(options.HostDll ?? Path.Combine("src", "Host", "bin", "Release", "net10.0", "CommunityStream.Host.dll"));
if (!File.Exists(hostDll))
{
    Console.Error.WriteLine($"no Host build at {hostDll}: run `dotnet build -c Release src/Host` or pass --host-dll");
    return 2;
}

var output = options.Out ?? Directory.CreateTempSubdirectory("cs-failover-").FullName;
Directory.CreateDirectory(output);
BenchReport report;
using (var run = new BenchRun(options, hostDll, output))
{
    report = await run.RunAsync();
}

Console.Write(report.ToTable());
var json = report.ToJsonLine();
Console.WriteLine(json);
await File.WriteAllTextAsync(Path.Combine(output, "result.json"), json + "\n");
return 0;
