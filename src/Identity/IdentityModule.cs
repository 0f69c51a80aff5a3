using CommunityStream.BuildingBlocks;
using CommunityStream.Identity.Accounts;
using CommunityStream.Identity.Administration;
using CommunityStream.Identity.Configuration;
using CommunityStream.Identity.Contracts;
using CommunityStream.Identity.Http;
using CommunityStream.Identity.Persistence;
using CommunityStream.Identity.Security;
using CommunityStream.Identity.Telemetry;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CommunityStream.Identity;

/// <summary>Entry point of the Identity module: accounts, roles, tokens and stream keys.</summary>
public static class IdentityModule
{
    /// <summary>The module's <see cref="System.Diagnostics.Metrics.Meter"/> (instruments <c>communitystream.identity.*</c>).</summary>
    public const string MeterName = "CommunityStream.Identity";

    /// <summary>Registers the module's services against the shared database and data directory.</summary>
    public static IHostApplicationBuilder AddIdentityModule(this IHostApplicationBuilder builder, DatabaseOptions database, string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(database);
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        var services = builder.Services;

        services.AddOptions<IdentityOptions>()
            .Bind(builder.Configuration.GetSection(IdentityOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<IdentityOptions>, IdentityOptionsValidator>();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(database);
        services.AddSingleton(new IdentityDataDirectory(dataDirectory));
        services.AddSingleton<SigningKeyProvider>();
        services.AddSingleton(sp => new AccessTokenService(
            sp.GetRequiredService<SigningKeyProvider>().Key,
            sp.GetRequiredService<IOptions<IdentityOptions>>().Value.Jwt,
            sp.GetRequiredService<TimeProvider>()));

        // The module's stores take the DatabaseOptions they were given, even if the Host registers another.
        services.AddSingleton(sp => new IdentitySchema(database, sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<IdentitySchema>>()));
        services.AddSingleton(new UserStore(database));
        services.AddSingleton(new RefreshTokenStore(database));
        services.AddSingleton(new StreamKeyStore(database));

        services.AddSingleton<PasswordHasher>();
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<ThrottledLoginLog>();
        services.AddMetrics();
        services.AddSingleton<IdentityMetrics>();
        services.AddHostedService<CreatedAtStart<IdentityMetrics>>();
        services.AddSingleton<UserStatusCache>();
        services.AddSingleton<AccountService>();
        services.AddSingleton<AccountAdministration>();
        services.AddSingleton<StreamKeyService>();
        services.AddSingleton<OwnAccountService>();
        services.AddSingleton<DeletedAccountsCache>();
        services.AddSingleton<IDeletedAccounts>(sp => sp.GetRequiredService<DeletedAccountsCache>());

        services.AddSingleton<IAccountAdministration>(sp => sp.GetRequiredService<AccountAdministration>());
        services.AddSingleton<IStreamKeyValidator>(sp => sp.GetRequiredService<StreamKeyService>());
        services.AddSingleton<ITokenValidator, TokenValidator>();
        services.AddSingleton<IAdminLogin, AdminLogin>();
        services.AddSingleton<UserDirectory>();
        services.AddSingleton<IUserDirectory>(sp => sp.GetRequiredService<UserDirectory>());
        services.AddSingleton<IDisabledAccounts>(sp => sp.GetRequiredService<UserDirectory>());

        services.AddHostedService<IdentityStartup>();
        services.AddHostedService<DeletedAccountWatcher>();

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddSingleton<IConfigureOptions<JwtBearerOptions>, JwtBearerSetup>();
        services.AddAuthorizationBuilder()
            .AddPolicy(IdentityPolicies.Admin, policy => policy.RequireRole(Roles.Admin))
            .AddPolicy(IdentityPolicies.Streamer, policy => policy.RequireRole(Roles.Streamer, Roles.Admin))
            .AddPolicy(IdentityPolicies.Moderator, policy => policy.RequireRole(Roles.Moderator, Roles.Admin));
        return builder;
    }

    /// <summary>Maps <c>/api/auth/*</c>, <c>/api/me</c> and <c>/api/users/*</c>.</summary>
    public static IEndpointRouteBuilder MapIdentityEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var api = endpoints.MapGroup("/api");
        AuthEndpoints.Map(api);
        MeEndpoints.Map(api);
        UserEndpoints.Map(api);
        return endpoints;
    }

    /// <summary>
    /// Maps the admin API's <c>users</c> routes (list, show, roles, disable, enable, revoke sessions) onto
    /// <paramref name="admin"/>, the Host's authenticated <c>/admin/v1</c> group; the caller's name
    /// (<c>User.Identity.Name</c>) is logged with every change.
    /// </summary>
    public static IEndpointRouteBuilder MapIdentityAdminApi(this IEndpointRouteBuilder admin)
    {
        ArgumentNullException.ThrowIfNull(admin);
        IdentityAdminEndpoints.Map(admin);
        return admin;
    }
}
