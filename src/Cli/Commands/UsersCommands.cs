using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using CommunityStream.Cli.Output;

namespace CommunityStream.Cli.Commands;

/// <summary><c>csctl users</c>: accounts, roles, disabling and session revocation.</summary>
internal static class UsersCommands
{
    public static Command Create(CommandActions actions)
    {
        var users = new Command("users", "Accounts: list, inspect, roles, disable/enable, revoke sessions.");

        var role = new Option<string?>("--role") { Description = "Only accounts with this role (viewer, streamer, moderator, admin)." };
        var query = new Option<string?>("--query", "-q") { Description = "Username or email prefix (case-insensitive)." };
        var limit = new Option<int?>("--limit") { Description = "Page size, 1 to 500 (default 50)." };
        var offset = new Option<int?>("--offset") { Description = "Skip this many accounts." };
        users.Subcommands.Add(actions.Set(new Command("list", "Accounts by username.") { role, query, limit, offset }, async (parse, session, ct) =>
        {
            var parameters = new List<string>();
            Add(parameters, "role", parse.GetValue(role));
            Add(parameters, "query", parse.GetValue(query));
            Add(parameters, "limit", parse.GetValue(limit)?.ToString(CultureInfo.InvariantCulture));
            Add(parameters, "offset", parse.GetValue(offset)?.ToString(CultureInfo.InvariantCulture));
            var path = "users" + (parameters.Count == 0 ? "" : "?" + string.Join('&', parameters));
            session.Write(await session.Client.GetAsync(path, ct), (output, page) =>
            {
                TableWriter.Write(output, ["USERNAME", "EMAIL", "ROLES", "DISABLED", "LAST LOGIN", "ID"], page.Prop("users").Items().Select(user =>
                    (IReadOnlyList<string>)[user.Str("username"), user.Str("email"), user.Str("roles"), user.Str("disabled"), user.Str("lastLoginAt") is { Length: > 0 } last ? last : "-", user.Str("id")]));
                output.WriteLine($"{page.Prop("users").GetArrayLength()} of {page.Str("total")} (offset {page.Str("offset")})");
            });
        }));

        var showUser = UserArgument();
        users.Subcommands.Add(actions.Set(new Command("show", "An account with its roles, state, live stream and chat sockets.") { showUser }, async (parse, session, ct) =>
            session.Write(await session.Client.GetAsync($"users/{User(parse, showUser)}", ct), WriteUser)));

        var rolesUser = UserArgument();
        var roleNames = new Argument<string[]>("roles") { Description = "The roles to hold (viewer is always kept).", Arity = ArgumentArity.OneOrMore };
        var set = new Command("set", "Replace an account's roles.") { rolesUser, roleNames };
        actions.Set(set, async (parse, session, ct) =>
            session.Write(await session.Client.PutAsync($"users/{User(parse, rolesUser)}/roles", new { roles = parse.GetValue(roleNames) }, ct), WriteUser));
        users.Subcommands.Add(new Command("roles", "An account's roles.") { set });

        users.Subcommands.Add(Change(actions, "disable", "Disable an account: no login, tokens refused, chat sockets closed, a live stream ended.", "disable"));
        users.Subcommands.Add(Change(actions, "enable", "Re-enable a disabled account.", "enable"));
        users.Subcommands.Add(new Command("sessions", "An account's sessions.")
        {
            Change(actions, "revoke", "Revoke every refresh token and refuse access tokens issued until now; chat sockets close.", "sessions/revoke"),
        });
        return users;
    }

    private static Command Change(CommandActions actions, string name, string description, string route)
    {
        var user = UserArgument();
        return actions.Set(new Command(name, description) { user }, async (parse, session, ct) =>
            session.Write(await session.Client.PostAsync($"users/{User(parse, user)}/{route}", new { }, ct), WriteUser));
    }

    private static Argument<string> UserArgument() => new("user") { Description = "A username or account id." };

    private static string User(ParseResult parse, Argument<string> user) => AdminClient.Segment(parse.GetValue(user)!);

    private static void Add(List<string> parameters, string name, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            parameters.Add($"{name}={Uri.EscapeDataString(value)}");
        }
    }

    private static void WriteUser(TextWriter output, JsonElement user)
    {
        var pairs = new List<(string, string)>
        {
            ("Username", user.Str("username")),
            ("Id", user.Str("id")),
            ("Email", user.Str("email")),
            ("Roles", user.Str("roles")),
            ("Disabled", user.Str("disabled")),
            ("Created", user.Str("createdAt")),
            ("Last login", user.Str("lastLoginAt") is { Length: > 0 } last ? last : "-"),
            ("Sessions revoked", user.Str("sessionsRevokedAt") is { Length: > 0 } revoked ? revoked : "-"),
        };
        if (user.Prop("activity") is { ValueKind: JsonValueKind.Object } activity)
        {
            pairs.AddRange(activity.EnumerateObject().Select(fact => (Capitalize(fact.Name), fact.Value.ValueKind == JsonValueKind.Object
                ? string.Join(", ", fact.Value.EnumerateObject().Select(p => $"{p.Name}={Json.Text(p.Value)}"))
                : Json.Text(fact.Value))));
        }
        TableWriter.WritePairs(output, pairs);
    }

    private static string Capitalize(string name) => name.Length == 0 ? name : char.ToUpperInvariant(name[0]) + name[1..];
}
