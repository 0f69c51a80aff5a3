namespace CommunityStream.Host.Admin;

/// <summary>Conventions that put an endpoint behind the admin listener and its authentication.</summary>
public static class AdminEndpointConventions
{
    /// <summary>Answers only on connections accepted by the admin listener; elsewhere the endpoint is a 404.</summary>
    public static TBuilder RequireAdminListener<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.WithMetadata(AdminListenerMetadata.Instance);
        return builder;
    }

    /// <summary>
    /// The admin listener plus admin authentication (an admin's access token or <c>Admin:ApiKey</c>): what
    /// <c>/admin/v1</c> has, for endpoints mapped elsewhere such as <c>/metrics</c>.
    /// </summary>
    public static TBuilder RequireAdminAccess<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.RequireAdminListener().RequireAuthorization(AdminAuthentication.Policy);
    }
}
