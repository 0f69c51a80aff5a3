using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Akka.Actor;
using Akka.Cluster;
using CommunityStream.Host;
using CommunityStream.Host.Admin;
using CommunityStream.Identity.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace CommunityStream.Testing;

/// <summary>A whole CommunityStream node (Kestrel + ActorSystem) inside the test process, on loopback.</summary>
public sealed class InProcessNode : IAsyncDisposable
{
    public const string Password = "Correct-Horse-42";

    private readonly TempDirectory? _data;

    private InProcessNode(WebApplication app, TempDirectory? data)
    {
        App = app;
        _data = data;
    }

    public WebApplication App { get; }

    public HttpClient Http { get; private set; } = null!;

    public ActorSystem System => App.Services.GetRequiredService<ActorSystem>();

    public Cluster Cluster => Cluster.Get(System);

    public Uri BaseAddress => new(App.Services.GetRequiredService<IServer>().Features
        .Get<IServerAddressesFeature>()!.Addresses.First());

    /// <summary>The admin listener (<c>Admin:Url</c>, a free loopback port per node).</summary>
    public Uri AdminAddress => App.Services.GetRequiredService<AdminListener>().Address;

    public Uri WebSocketUri(string? token = null) =>
        new($"ws://{BaseAddress.Authority}/ws{(token is null ? "" : "?access_token=" + Uri.EscapeDataString(token))}");

    public static Task<InProcessNode> StartAsync(params string[] arguments) => StartAsync(new TempDirectory(), owned: true, arguments);

    /// <summary>Starts a node on a data directory that outlives it (shared or restarted nodes).</summary>
    public static Task<InProcessNode> StartOnAsync(TempDirectory data, params string[] arguments) => StartAsync(data, owned: false, arguments);

    private static async Task<InProcessNode> StartAsync(TempDirectory data, bool owned, string[] arguments)
    {
        string[] defaults =
        [
            "--Http:Url", "http://127.0.0.1:0", "--Admin:Url", "http://127.0.0.1:0", "--DataDirectory", data.Path, "--Cluster:Port", "0", "--Media:UdpPort", "0",
            "--Identity:Throttle:RegisterAttemptsPerMinute", "1000", "--Identity:Throttle:IpAttemptsPerMinute", "1000",
            "--Logging:LogLevel:Default", "Warning",
            // Several nodes share this test process, and other test assemblies (Chromium among them) share the two cores:
            // a starved thread pool here is not a crash. Production's 1.5 s would let such a stall down a healthy node;
            // no in-process test measures failure detection (FailoverProcessTests runs real processes on the defaults).
            "--Cluster:AcceptableHeartbeatPause", "00:00:05", "--Cluster:StableAfter", "00:00:05",
        ];
        var app = CommunityStreamApp.Build([.. defaults, .. arguments]);
        var node = new InProcessNode(app, owned ? data : null);
        await app.StartAsync();
        node.Http = new HttpClient { BaseAddress = node.BaseAddress };
        return node;
    }

    public int UpMembers() => Cluster.State.Members.Count(m => m.Status == MemberStatus.Up);

    /// <summary>Creates (or promotes) an administrator through Identity's public contract and returns its token.</summary>
    public async Task<string> CreateAdminAsync(string username)
    {
        var result = await App.Services.GetRequiredService<IAccountAdministration>()
            .CreateOrPromoteAdminAsync(username, $"{username}@example.test", Password, CancellationToken.None);
        Assert.True(result.Succeeded, result.Message);
        return await LoginAsync(username);
    }

    /// <summary>Registers a user over HTTP; with an admin token, grants <paramref name="roles"/>. Returns the user's id.</summary>
    public async Task<Guid> RegisterAsync(string username, string? adminToken = null, params string[] roles)
    {
        using var register = await Http.PostAsJsonAsync("/api/auth/register", new { username, email = $"{username}@example.test", password = Password });
        Assert.Equal(HttpStatusCode.Created, register.StatusCode);
        var id = (await register.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        if (adminToken is not null && roles.Length > 0)
        {
            using var grant = new HttpRequestMessage(HttpMethod.Put, $"/api/users/{id}/roles") { Content = JsonContent.Create(new { roles }) };
            grant.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
            using var granted = await Http.SendAsync(grant);
            Assert.Equal(HttpStatusCode.OK, granted.StatusCode);
        }
        return id;
    }

    public async Task<string> LoginAsync(string username)
    {
        using var login = await Http.PostAsJsonAsync("/api/auth/login", new { login = username, password = Password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        return (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    /// <summary>An admin creates a standalone room.</summary>
    public async Task CreateRoomAsync(string adminToken, string name, bool anonymousRead = true)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/rooms") { Content = JsonContent.Create(new { name, anonymousRead }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
        using var response = await Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        _data?.Dispose();
    }
}
