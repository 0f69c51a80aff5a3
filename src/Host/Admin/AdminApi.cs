using CommunityStream.Identity.Contracts;
using Microsoft.AspNetCore.Authentication;

namespace CommunityStream.Host.Admin;

/// <summary>
/// The admin API (<c>/admin/v1</c>) on the admin listener (<c>Admin:Url</c>): its services, and the authenticated
/// group that the Host's and the modules' admin endpoints are mapped into.
/// </summary>
public static class AdminApi
{
    /// <summary>Route prefix of every admin endpoint.</summary>
    public const string Prefix = "/admin/v1";

    /// <summary>Registers the admin authentication scheme and policy, the audit trail and run-time log levels.</summary>
    public static WebApplicationBuilder AddAdminApi(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, AdminAuthentication>(AdminAuthentication.SchemeName, null);
        builder.Services.AddAuthorizationBuilder().AddPolicy(AdminAuthentication.Policy, policy => policy
            .AddAuthenticationSchemes(AdminAuthentication.SchemeName)
            .RequireAuthenticatedUser()
            .RequireRole(Roles.Admin));
        builder.Services.AddSingleton<AdminAudit>();
        builder.AddLogLevelOverrides();
        return builder;
    }

    /// <summary>Keeps the public and admin listeners apart; runs before authentication so the wrong listener gets a 404.</summary>
    public static IApplicationBuilder UseAdminListenerGate(this IApplicationBuilder app) => app.UseMiddleware<AdminListenerGate>();

    /// <summary>
    /// Maps <c>/admin/v1</c>: <c>POST login</c> (anonymous) and the Host's own endpoints (cluster, sharding, node, log),
    /// and returns the authenticated group for the modules' admin endpoints (<c>MapIdentityAdminApi</c> and so on).
    /// </summary>
    public static RouteGroupBuilder MapAdminApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var root = app.MapGroup(Prefix).RequireAdminListener().WithTags("Admin").ExcludeFromDescription();
        AdminLoginEndpoint.Map(root);

        var admin = root.MapGroup("").RequireAuthorization(AdminAuthentication.Policy);
        ClusterAdminEndpoints.Map(admin);
        ShardingAdminEndpoints.Map(admin);
        NodeAdminEndpoints.Map(admin);
        LogAdminEndpoints.Map(admin);
        return admin;
    }
}
