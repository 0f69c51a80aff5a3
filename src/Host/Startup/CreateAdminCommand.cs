using CommunityStream.Identity;
using CommunityStream.Identity.Contracts;

namespace CommunityStream.Host.Startup;

/// <summary>
/// <c>CommunityStream.Host --create-admin USERNAME EMAIL</c>: creates the first administrator (or promotes
/// an existing account) in the configured database and exits, without starting the node. The password is read
/// from <c>CS_ADMIN_PASSWORD</c> or, when that is unset, from the first line of standard input, never from
/// the command line where other users of the machine could read it.
/// </summary>
public sealed class CreateAdminCommand
{
    /// <summary>The switch that selects this command.</summary>
    public const string Switch = "--create-admin";

    private readonly string _username;
    private readonly string _email;
    private readonly string[] _remainingArgs;

    private CreateAdminCommand(string username, string email, string[] remainingArgs)
    {
        _username = username;
        _email = email;
        _remainingArgs = remainingArgs;
    }

    /// <summary>The account name and email as parsed, and the arguments left for configuration.</summary>
    internal (string Username, string Email, IReadOnlyList<string> ConfigurationArgs) Parsed => (_username, _email, _remainingArgs);

    /// <summary>Recognises the command; other arguments (e.g. <c>--DataDirectory</c>) stay configuration.</summary>
    public static bool TryParse(string[] args, out CreateAdminCommand? command)
    {
        command = null;
        var index = Array.IndexOf(args, Switch);
        if (index < 0)
        {
            return false;
        }
        // USERNAME and EMAIL are the next two arguments unless they are options: `--create-admin --DataDirectory /x`
        // is a usage error, not an account named "--DataDirectory".
        var positionals = 0;
        while (positionals < 2 && index + 1 + positionals < args.Length && !args[index + 1 + positionals].StartsWith("--", StringComparison.Ordinal))
        {
            positionals++;
        }
        var username = positionals > 0 ? args[index + 1] : "";
        var email = positionals > 1 ? args[index + 2] : "";
        var remaining = args.Take(index).Concat(args.Skip(index + 1 + positionals)).ToArray();
        command = new CreateAdminCommand(username, email, remaining);
        return true;
    }

    /// <summary>Runs the command; returns the process exit code.</summary>
    public async Task<int> RunAsync(TextReader input, TextWriter output, TextWriter error)
    {
        if (string.IsNullOrWhiteSpace(_username) || string.IsNullOrWhiteSpace(_email))
        {
            await error.WriteLineAsync($"usage: CommunityStream.Host {Switch} USERNAME EMAIL  (password from CS_ADMIN_PASSWORD or stdin)");
            return StartupFailure.ExitCode;
        }
        var password = Environment.GetEnvironmentVariable("CS_ADMIN_PASSWORD");
        if (string.IsNullOrEmpty(password))
        {
            password = await input.ReadLineAsync() ?? "";
            if (password.Length == 0)
            {
                await error.WriteLineAsync("no password was read from stdin: pipe it in, or set CS_ADMIN_PASSWORD");
                return StartupFailure.ExitCode;
            }
        }

        try
        {
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = _remainingArgs, ContentRootPath = AppContext.BaseDirectory });
            var settings = builder.AddCommunityStreamHost(_remainingArgs);
            builder.AddIdentityModule(settings.Database, settings.DataDirectory);
            await using var app = builder.Build();

            var result = await app.Services.GetRequiredService<IAccountAdministration>()
                .CreateOrPromoteAdminAsync(_username, _email, password, CancellationToken.None);
            await (result.Succeeded ? output : error).WriteLineAsync($"{result.Outcome}: {result.Message}");
            return result.Succeeded ? 0 : StartupFailure.ExitCode;
        }
        catch (Exception ex)
        {
            await error.WriteLineAsync($"CommunityStream could not create the admin: {StartupFailure.Describe(ex)}");
            return StartupFailure.ExitCode;
        }
    }
}
