using Microsoft.AspNetCore.Builder;

namespace CommunityStream.BuildingBlocks;

/// <summary>
/// What an endpoint's OpenAPI operation says beyond its status codes: the credential it checks itself (endpoints
/// that use <c>RequireAuthorization</c> are described from that) and the headers of a response. The Host's OpenAPI
/// transformers read this metadata; modules only attach it.
/// </summary>
public static class ApiDocumentation
{
    /// <summary>Security scheme of a user's JWT access token (<c>Authorization: Bearer &lt;token&gt;</c>).</summary>
    public const string BearerScheme = "Bearer";

    /// <summary>Security scheme of a channel's stream key, sent as a bearer credential to WHIP.</summary>
    public const string StreamKeyScheme = "StreamKey";

    /// <summary>The endpoint checks the credential of <paramref name="scheme"/> itself; optional ones widen access.</summary>
    public static TBuilder WithSecurity<TBuilder>(this TBuilder builder, string scheme, bool optional = false)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ApiSecurityMetadata(scheme, optional));

    /// <summary>A header the response with <paramref name="statusCode"/> carries.</summary>
    public static TBuilder WithResponseHeader<TBuilder>(this TBuilder builder, int statusCode, string name, string description)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ApiResponseHeaderMetadata(statusCode, name, description));
}

/// <summary>The endpoint checks a credential of <paramref name="Scheme"/> in its handler.</summary>
public sealed record ApiSecurityMetadata(string Scheme, bool Optional);

/// <summary>A header a response of the endpoint carries.</summary>
public sealed record ApiResponseHeaderMetadata(int StatusCode, string Name, string Description);
