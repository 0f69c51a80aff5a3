using Akka.Actor;
using Akka.Cluster;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace CommunityStream.Host.Tests.Support;

/// <summary>A whole CommunityStream node (Kestrel + ActorSystem) inside the test process, on loopback.</summary>
internal sealed class InProcessNode : IAsyncDisposable
{
    private readonly TempDirectory? _data;

    private InProcessNode(WebApplication app, TempDirectory? data)
    {
        App = app;
        _data = data;
    }

    public WebApplication App { get; }

    public ActorSystem System => App.Services.GetRequiredService<ActorSystem>();

    public Cluster Cluster => Cluster.Get(System);

    public Uri BaseAddress => new(App.Services.GetRequiredService<IServer>().Features
        .Get<IServerAddressesFeature>()!.Addresses.First());

    public static Task<InProcessNode> StartAsync(params string[] arguments) => StartAsync(new TempDirectory(), owned: true, arguments);

    /// <summary>Starts a node on an existing data directory that outlives it (restart tests).</summary>
    public static Task<InProcessNode> StartOnAsync(TempDirectory data, params string[] arguments) => StartAsync(data, owned: false, arguments);

    private static async Task<InProcessNode> StartAsync(TempDirectory data, bool owned, string[] arguments)
    {
        string[] defaults = ["--Http:Url", "http://127.0.0.1:0", "--DataDirectory", data.Path, "--Cluster:Port", "0"];
        var app = CommunityStreamApp.Build([.. defaults, .. arguments]);
        var node = new InProcessNode(app, owned ? data : null);
        await app.StartAsync();
        return node;
    }

    public int UpMembers() => Cluster.State.Members.Count(m => m.Status == MemberStatus.Up);

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        _data?.Dispose();
    }
}
