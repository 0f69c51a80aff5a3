using CommunityStream.Chat;
using CommunityStream.Host.Admin;
using CommunityStream.Host.Configuration;
using CommunityStream.Host.Health;
using CommunityStream.Host.Http;
using CommunityStream.Host.OpenApi;
using CommunityStream.Host.Shutdown;
using CommunityStream.Host.Startup;
using CommunityStream.Host.Storage;

namespace CommunityStream.Host;

/// <summary>Host-wide concerns shared by every module: configuration, logging, Kestrel, OpenAPI, errors.</summary>
public static class HostBuilderExtensions
{
    /// <summary>Environment variables with this prefix configure the node (<c>CS_Cluster__Port=4053</c>).</summary>
    public const string EnvironmentPrefix = "CS_";

    /// <summary>Largest HTTP request body accepted anywhere (1 MiB); endpoints may set a lower one.</summary>
    public const long MaxRequestBodyBytes = 1024 * 1024;

    /// <summary>Reads and validates the node's settings and configures the host-wide services.</summary>
    public static HostSettings AddCommunityStreamHost(this WebApplicationBuilder builder, string[] args)
    {
        // CS_ variables override appsettings.json; command-line arguments override both.
        builder.Configuration.AddEnvironmentVariables(EnvironmentPrefix);
        builder.Configuration.AddCommandLine(args);

        var settings = HostSettingsReader.Read(builder.Configuration, Environment.CurrentDirectory);
        ClusterPortGuard.EnsureFree(settings.Cluster);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(settings.Database);
        builder.Services.AddHostedService<SqliteWalCheckpointer>();
        builder.Services.AddForwardedHeaders(settings.TrustedProxies);

        AdminPortGuard.EnsureFree(settings.Admin);
        var adminListener = new AdminListener();
        builder.Services.AddSingleton(adminListener);
        builder.Services.AddSingleton(settings.Admin);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            KestrelListeners.Configure(kestrel, settings, adminListener);
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
        });
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(30));

        // Identity adds the JWT bearer scheme and policies; these calls are idempotent.
        builder.Services.AddAuthentication();
        builder.Services.AddAuthorization();
        builder.Services.AddProblemDetails();
        builder.AddReadinessChecks();
        builder.Services.AddNodeDrain();
        builder.Services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer<OpenApiSecurityTransformer>();
            options.AddOperationTransformer<OpenApiSecurityTransformer>();
            options.AddOperationTransformer<OpenApiResponseHeaderTransformer>();
        });
        return settings;
    }

    /// <summary>The HTTP pipeline in front of every module's endpoints.</summary>
    public static WebApplication UseCommunityStreamPipeline(this WebApplication app)
    {
        app.UseForwardedHeadersFromKnownProxies();
        app.UseNoSniff();
        // Unhandled errors and bare status codes (404, 405, 415) become RFC 7807 problem bodies.
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        // Admin endpoints only on the admin listener, and only admin endpoints and health there.
        app.UseAdminListenerGate();
        // Chat's /ws; protocol-level pings keep idle sockets alive through proxies and notice dead peers.
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = ChatModule.WebSocketKeepAlive });
        app.UseCors();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapOpenApi("/openapi/{documentName}.json");
        return app;
    }
}
