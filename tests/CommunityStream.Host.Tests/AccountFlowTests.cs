using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CommunityStream.Host.Tests.Support;

namespace CommunityStream.Host.Tests;

/// <summary>The README's first steps against the real Host binary: create an admin, register, log in, /api/me.</summary>
[Collection(SerialHostTests.Name)]
public sealed class AccountFlowTests
{
    private const string Password = "Correct-Horse-42";

    [Fact]
    public async Task Should_register_log_in_and_read_me_on_a_fresh_node()
    {
        using var data = new TempDirectory();
        await using var host = HostProcess.Start(data.Path);
        await host.WaitReadyAsync(TimeSpan.FromSeconds(20));
        using var http = new HttpClient { BaseAddress = host.BaseAddress };

        using var register = await http.PostAsJsonAsync("/api/auth/register", new { username = "alice", email = "alice@example.test", password = Password });
        Assert.Equal(HttpStatusCode.Created, register.StatusCode);

        var token = await LoginAsync(http, "alice");
        using var me = await GetMeAsync(http, token);
        Assert.Equal("alice", me.RootElement.GetProperty("username").GetString());
        Assert.Equal(["viewer"], me.RootElement.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task Should_create_an_admin_from_the_command_line_who_can_then_grant_roles()
    {
        using var data = new TempDirectory();
        var exitCode = await RunCreateAdminAsync(data.Path, "root", "root@example.test", "Admin-Passw0rd!");
        Assert.Equal(0, exitCode);
        Assert.NotEqual(0, await RunCreateAdminAsync(data.Path, "weak", "weak@example.test", "short"));

        await using var host = HostProcess.Start(data.Path);
        await host.WaitReadyAsync(TimeSpan.FromSeconds(20));
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        using var register = await http.PostAsJsonAsync("/api/auth/register", new { username = "bob", email = "bob@example.test", password = Password });
        var bobId = (await register.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        var adminToken = await LoginAsync(http, "root", "Admin-Passw0rd!");
        using var grant = new HttpRequestMessage(HttpMethod.Put, $"/api/users/{bobId}/roles")
        {
            Content = JsonContent.Create(new { roles = new[] { "viewer", "streamer" } }),
        };
        grant.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
        using var granted = await http.SendAsync(grant);

        Assert.Equal(HttpStatusCode.OK, granted.StatusCode);
        using var me = await GetMeAsync(http, await LoginAsync(http, "bob"));
        Assert.Contains("streamer", me.RootElement.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    private static async Task<string> LoginAsync(HttpClient http, string login, string password = Password)
    {
        using var response = await http.PostAsJsonAsync("/api/auth/login", new { login, password });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    private static async Task<JsonDocument> GetMeAsync(HttpClient http, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    private static async Task<int> RunCreateAdminAsync(string dataDirectory, string username, string email, string password)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = dataDirectory,
        };
        foreach (var argument in new[] { RepositoryPaths.HostDll, "--create-admin", username, email, "--DataDirectory", dataDirectory })
        {
            info.ArgumentList.Add(argument);
        }
        info.Environment.Remove("CS_ADMIN_PASSWORD");
        using var process = Process.Start(info)!;
        // The password arrives on stdin, not argv.
        await process.StandardInput.WriteLineAsync(password);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        Assert.DoesNotContain(password, await stdout + await stderr, StringComparison.Ordinal);
        return process.ExitCode;
    }
}
