using System.CommandLine;
using CommunityStream.Cli.Output;

namespace CommunityStream.Cli.Commands;

/// <summary><c>csctl login</c> and <c>csctl logout</c>: an admin's token kept in the config directory.</summary>
internal static class LoginCommands
{
    public static Command Login(CommandActions actions)
    {
        var username = new Option<string?>("--username", "-u") { Description = "The admin's username or email (asked for when missing)." };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from stdin (one line) instead of asking." };
        var command = new Command("login", "Log in as an admin on a node; the token is stored (mode 0600) for later commands.")
        {
            username,
            passwordStdin,
        };
        return actions.Set(command, async (parse, session, ct) =>
        {
            var environment = actions.Environment;
            var name = parse.GetValue(username);
            if (string.IsNullOrWhiteSpace(name))
            {
                await environment.Error.WriteAsync("Username: ");
                name = (await environment.Input.ReadLineAsync(ct))?.Trim();
            }
            var password = parse.GetValue(passwordStdin) || Console.IsInputRedirected || environment.Input != Console.In
                ? await environment.Input.ReadLineAsync(ct)
                : ReadHidden(environment.Error);
            if (string.IsNullOrWhiteSpace(name) || string.IsNullOrEmpty(password))
            {
                throw new UsageException("a username and a password are needed (--username, and the password on stdin with --password-stdin)");
            }
            var result = await session.Client.PostAsync("login", new { username = name, password }, ct);
            var token = result.Str("accessToken");
            var expiresIn = result.Prop("expiresInSeconds").TryGetInt32(out var seconds) ? seconds : 0;
            var store = new CredentialStore(environment.ConfigDirectory);
            var expiresAt = DateTimeOffset.UtcNow.AddSeconds(expiresIn);
            store.Write(new StoredLogin(session.Url.ToString().TrimEnd('/'), result.Str("username"), token, expiresAt));
            await session.Output.WriteLineAsync($"Logged in to {session.Url.ToString().TrimEnd('/')} as {result.Str("username")}; the token expires at {expiresAt:u} ({store.FilePath}).");
        }, anonymous: true);
    }

    public static Command Logout(CommandActions actions)
    {
        var command = new Command("logout", "Forget the stored token.");
        command.SetAction(parse =>
        {
            var store = new CredentialStore(actions.Environment.ConfigDirectory);
            actions.Environment.Output.WriteLine(store.Delete() ? $"Removed {store.FilePath}." : "Not logged in.");
            return CommandActions.Ok;
        });
        return command;
    }

    private static string ReadHidden(TextWriter prompt)
    {
        prompt.Write("Password: ");
        var password = new System.Text.StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                prompt.WriteLine();
                return password.ToString();
            }
            if (key.Key == ConsoleKey.Backspace)
            {
                if (password.Length > 0)
                {
                    password.Length--;
                }
            }
            else if (!char.IsControl(key.KeyChar))
            {
                password.Append(key.KeyChar);
            }
        }
    }
}
