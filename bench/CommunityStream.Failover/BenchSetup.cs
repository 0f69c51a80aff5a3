using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace CommunityStream.Failover;

/// <summary>Before the load: the first administrator (<c>--create-admin</c>, password on stdin), rooms and publishing users over HTTP.</summary>
internal static class BenchSetup
{
    public const string AdminName = "foadmin";
    private const string AdminPassword = "Failover-Admin-Passw0rd!";
    private const string UserPassword = "Failover-User-Passw0rd!";

    public static async Task CreateAdminAsync(string hostDll, IReadOnlyList<string> configuration, string workingDirectory)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory };
        info.ArgumentList.Add(hostDll);
        foreach (var argument in new[] { "--create-admin", AdminName, AdminName + "@failover.test" }.Concat(configuration))
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("CS_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(key);
        }

        using var process = Process.Start(info)!;
        await process.StandardInput.WriteLineAsync(AdminPassword);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(cts.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"--create-admin exited with {process.ExitCode}: {await errors} {await output}");
        }
    }

    public static async Task<string> LoginAsync(HttpClient http, string login, string password)
    {
        using var response = await http.PostAsJsonAsync("/api/auth/login", new { login, password });
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"login {login}: {(int)response.StatusCode} {body}");
        }

        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("accessToken").GetString()!;
    }

    public static Task<string> LoginAdminAsync(HttpClient http) => LoginAsync(http, AdminName, AdminPassword);

    public static async Task CreateRoomAsync(HttpClient http, string adminToken, string room)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/rooms") { Content = JsonContent.Create(new { name = room, anonymousRead = true }) };
        request.Headers.Authorization = new("Bearer", adminToken);
        using var response = await http.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new HttpRequestException($"create room {room}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    public static async Task<string> RegisterAndLoginAsync(HttpClient http, string username)
    {
        using (var register = await http.PostAsJsonAsync("/api/auth/register", new { username, email = username + "@failover.test", password = UserPassword }))
        {
            if (register.StatusCode != HttpStatusCode.Conflict && !register.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"register {username}: {(int)register.StatusCode} {await register.Content.ReadAsStringAsync()}");
            }
        }

        return await LoginAsync(http, username, UserPassword);
    }

    /// <summary>The room's whole visible history over <c>GET /api/rooms/{room}/messages</c>, paged backwards: offset → clientId (null for foreign text).</summary>
    public static async Task<Dictionary<long, string?>> ReadHistoryAsync(HttpClient http, string room, string token)
    {
        var history = new Dictionary<long, string?>();
        long? before = null;
        for (var page = 0; page < 10_000; page++)
        {
            var path = before is null ? $"/api/rooms/{room}/messages?limit=100" : string.Create(CultureInfo.InvariantCulture, $"/api/rooms/{room}/messages?limit=100&before={before}");
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Authorization = new("Bearer", token);
            using var response = await http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"history {room}: {(int)response.StatusCode} {body}");
            }

            using var json = JsonDocument.Parse(body);
            var messages = json.RootElement.GetProperty("messages");
            if (messages.GetArrayLength() == 0)
            {
                break;
            }

            foreach (var m in messages.EnumerateArray())
            {
                history[m.GetProperty("offset").GetInt64()] = MessageText.ClientIdOf(m.GetProperty("text").GetString());
            }

            var lowest = messages.EnumerateArray().Min(m => m.GetProperty("offset").GetInt64());
            if (lowest <= 1 || lowest == before)
            {
                break;
            }

            before = lowest;
        }

        return history;
    }
}
