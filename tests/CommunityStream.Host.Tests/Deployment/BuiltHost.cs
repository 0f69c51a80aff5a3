using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CommunityStream.Host.Tests.Deployment;

/// <summary>What a Host built (not started) from its defaults serves: its HTTP routes and its shutdown budget.</summary>
internal sealed record BuiltHost(IReadOnlySet<string> Routes, TimeSpan ShutdownTimeout)
{
    public static async Task<BuiltHost> BuildAsync()
    {
        using var data = new TempDirectory();
        var app = CommunityStreamApp.Build(["--DataDirectory", data.Path, "--Http:Url", "http://127.0.0.1:0", "--Admin:Url", "http://127.0.0.1:0", "--Cluster:Port", "0", "--Media:UdpPort", "0"]);
        try
        {
            var routes = ((IEndpointRouteBuilder)app).DataSources.SelectMany(source => source.Endpoints).OfType<RouteEndpoint>()
                .Select(endpoint => "/" + endpoint.RoutePattern.RawText?.TrimStart('/'))
                .ToHashSet(StringComparer.Ordinal);
            return new BuiltHost(routes, app.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout);
        }
        finally
        {
            await app.DisposeAsync();
        }
    }
}
