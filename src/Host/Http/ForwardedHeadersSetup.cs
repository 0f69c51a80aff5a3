using CommunityStream.BuildingBlocks;
using Microsoft.AspNetCore.HttpOverrides;

namespace CommunityStream.Host.Http;

/// <summary>
/// Behind a reverse proxy: ASP.NET Core's forwarded-headers middleware, trusting exactly the configured proxies, sets
/// <c>RemoteIpAddress</c> (per-IP limits, login throttling, logs) and the scheme from <c>X-Forwarded-For</c> and
/// <c>X-Forwarded-Proto</c>. Chat's upgrade before HTTP reads the same <see cref="TrustedProxies"/>.
/// </summary>
internal static class ForwardedHeadersSetup
{
    public static IServiceCollection AddForwardedHeaders(this IServiceCollection services, TrustedProxies proxies)
    {
        services.AddSingleton(proxies);
        services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // The defaults trust loopback; only what the operator configured is trusted here.
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var proxy in proxies.Proxies)
            {
                options.KnownProxies.Add(proxy);
            }
            foreach (var network in proxies.Networks)
            {
                options.KnownIPNetworks.Add(network);
            }
            // Walk the whole chain to the rightmost untrusted address (several proxies in a row), as TrustedProxies does.
            options.ForwardLimit = null;
        });
        return services;
    }

    /// <summary>First in the pipeline, so everything after it sees the client; nothing at all without configured proxies.</summary>
    public static WebApplication UseForwardedHeadersFromKnownProxies(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<TrustedProxies>().IsEmpty)
        {
            app.UseForwardedHeaders();
        }
        return app;
    }
}
