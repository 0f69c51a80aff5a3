using Akka.Hosting;
using CommunityStream.Chat;
using CommunityStream.Host.Admin;
using CommunityStream.Host.Clustering;
using CommunityStream.Host.Configuration;
using CommunityStream.Host.Health;
using CommunityStream.Host.Shutdown;
using CommunityStream.Host.Telemetry;
using CommunityStream.Identity;
using CommunityStream.Media;
using CommunityStream.Web;

namespace CommunityStream.Host;

/// <summary>
/// The whole node, one line per module: read as the table of contents of CommunityStream.
/// <see cref="Program"/> runs it; tests build several of them in one process.
/// </summary>
public static class CommunityStreamApp
{
    /// <summary>Builds a node from command-line arguments, <c>appsettings.json</c> and <c>CS_</c> environment variables.</summary>
    public static WebApplication Build(string[] args)
    {
        // appsettings.json ships beside the binary; relative paths in settings resolve against the working directory.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        var settings = builder.AddCommunityStreamHost(args);
        builder.AddAdminApi();
        builder.AddCommunityStreamTelemetry();

        builder.AddIdentityModule(settings.Database, settings.DataDirectory);
        builder.AddChatModule();
        builder.AddMediaModule();
        builder.AddWebModule();

        builder.Services.AddAkka(ClusterSettings.SystemName, akka => akka
            .WithCommunityStreamCluster(settings)
            .WithNodeDrain()
            .WithReadinessProbe()
            .WithClusterMetrics()
            .WithChatActors()
            .WithMediaActors());

        var app = builder.Build();
        app.UseCommunityStreamPipeline();
        app.MapHealthEndpoints();
        app.MapMetricsEndpoint();
        app.MapIdentityEndpoints();
        app.MapChatEndpoints();
        app.MapMediaEndpoints();
        app.MapWebApp();
        app.MapAdminApi()
            .MapIdentityAdminApi()
            .MapChatAdminApi()
            .MapMediaAdminApi();
        return app;
    }
}
