using CommunityStream.BuildingBlocks;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;

namespace CommunityStream.Identity;

/// <summary>Entry point of the Identity module: accounts, roles, tokens and stream keys.</summary>
public static class IdentityModule
{
    /// <summary>Registers the module's services against the shared database and data directory.</summary>
    public static IHostApplicationBuilder AddIdentityModule(this IHostApplicationBuilder builder, DatabaseOptions database, string dataDirectory) => builder;

    /// <summary>Maps <c>/api/auth/*</c>, <c>/api/me</c> and <c>/api/users/*</c>.</summary>
    public static IEndpointRouteBuilder MapIdentityEndpoints(this IEndpointRouteBuilder endpoints) => endpoints;
}
