using CommunityStream.BuildingBlocks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CommunityStream.Identity.Tests.Support;

/// <summary>The Identity module in a minimal WebApplication on real Kestrel (loopback, ephemeral port), wired as the Host wires it.</summary>
public sealed class IdentityTestApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private IdentityTestApp(WebApplication app, Uri baseAddress)
    {
        _app = app;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public T Get<T>() where T : notnull => _app.Services.GetRequiredService<T>();

    public static async Task<IdentityTestApp> StartAsync(DatabaseOptions database, string dataDirectory, IReadOnlyDictionary<string, string?>? settings = null, Action<WebApplicationBuilder>? configure = null, bool withOpenApi = false)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        configure?.Invoke(builder);
        builder.AddIdentityModule(database, dataDirectory);
        if (withOpenApi)
        {
            builder.Services.AddOpenApi();
        }

        var app = builder.Build();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapIdentityEndpoints();
        if (withOpenApi)
        {
            app.MapOpenApi();
        }
        await app.StartAsync();

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new IdentityTestApp(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
