using CommunityStream.Host;
using CommunityStream.Host.Startup;

if (CreateAdminCommand.TryParse(args, out var createAdmin))
{
    return await createAdmin!.RunAsync(Console.In, Console.Out, Console.Error);
}

try
{
    var app = CommunityStreamApp.Build(args);
    await app.RunAsync();
    return 0;
}
catch (Exception ex)
{
    await Console.Error.WriteLineAsync($"CommunityStream could not start: {StartupFailure.Describe(ex)}");
    return StartupFailure.ExitCode;
}

/// <summary>The Host's entry point (top-level statements above).</summary>
public partial class Program;
