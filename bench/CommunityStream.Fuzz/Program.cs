using System.Globalization;
using CommunityStream.Fuzz;

// Seeded in-process fuzzing of the parsers that read what clients send: see bench/README.md.
var options = FuzzOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine(FuzzOptions.Usage);
    return 2;
}

var targets = FuzzTargets.Select(options.Target);
if (options.InputHex is { } hex)
{
    // Reproduce one input (the hex a failed run printed) against one target, with the full exception.
    var target = targets.Single();
    var outcome = FuzzRunner.Execute(target, Convert.FromHexString(hex), out var error);
    Console.WriteLine(error is null ? $"{target.Name}: {outcome}" : $"{target.Name}: {error}");
    return error is null ? 0 : 1;
}

Console.WriteLine($"seed {options.Seed}, {options.Iterations:N0} inputs per target, {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC");
Console.WriteLine($"{"target",-6} {"inputs",12} {"accepted",12} {"rejected",12} {"crashes",8} {"unhandled",10} {"seconds",8}");
var reports = new List<FuzzReport>();
foreach (var target in targets)
{
    var report = FuzzRunner.Run(target, options.Iterations, options.Seed);
    reports.Add(report);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{report.Target,-6} {report.Inputs,12:N0} {report.Accepted,12:N0} {report.Rejected,12:N0} {report.Crashes,8:N0} {report.Unhandled,10:N0} {report.Elapsed.TotalSeconds,8:F1}"));
}
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{"total",-6} {reports.Sum(r => r.Inputs),12:N0} {reports.Sum(r => r.Accepted),12:N0} {reports.Sum(r => r.Rejected),12:N0} {reports.Sum(r => r.Crashes),8:N0} {reports.Sum(r => r.Unhandled),10:N0}"));
foreach (var report in reports.Where(r => r.FirstFailure is not null))
{
    var failure = report.FirstFailure!;
    Console.WriteLine($"\n{report.Target}: first failure at input {failure.Iteration} of seed {report.Seed}");
    Console.WriteLine($"  reproduce: --target {report.Target} --input {failure.InputHex}");
    Console.WriteLine($"  {failure.Exception.Replace("\n", "\n  ", StringComparison.Ordinal)}");
}
return reports.All(r => r.Clean) ? 0 : 1;
