using CommunityStream.Host;
using CommunityStream.Host.Admin;
using CommunityStream.Host.Startup;

if (CreateAdminCommand.TryParse(args, out var createAdmin))
{
    return await createAdmin!.RunAsync(Console.In, Console.Out, Console.Error);
}

AdminSettings? admin = null;
try
{
    var app = CommunityStreamApp.Build(args);
    admin = app.Services.GetRequiredService<AdminSettings>();
    await app.RunAsync();
    return 0;
}
catch (Exception ex)
{
    await Console.Error.WriteLineAsync($"CommunityStream could not start: {StartupFailure.Describe(ex, admin)}");
    return StartupFailure.ExitCode;
}

/// <summary>The Host's entry point (top-level statements above).</summary>
public partial class Program;
