using CommunityStream.BuildingBlocks;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CommunityStream.Host.OpenApi;

/// <summary>
/// Declares the two bearer credentials (access token, stream key) and, per operation, which one it needs: endpoints
/// behind <c>RequireAuthorization</c> need the access token, endpoints that check a credential in their handler say
/// so with <see cref="ApiSecurityMetadata"/>, the rest are anonymous and get no <c>security</c>.
/// </summary>
internal sealed class OpenApiSecurityTransformer : IOpenApiDocumentTransformer, IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[ApiDocumentation.BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "An access token from POST /api/auth/login (roles are read into it at login).",
        };
        document.Components.SecuritySchemes[ApiDocumentation.StreamKeyScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "The channel's stream key from POST /api/me/stream-key, sent as a bearer credential (WHIP, RFC 9725).",
        };
        return Task.CompletedTask;
    }

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        // As the authorization middleware decides: any IAllowAnonymous wins over IAuthorizeData.
        var authorized = metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any();
        // Several declared schemes are alternatives (WHIP takes a stream key or an access token): one requirement each.
        var declared = metadata.OfType<ApiSecurityMetadata>().DistinctBy(m => m.Scheme).ToList();
        List<ApiSecurityMetadata> requirements = authorized ? [new ApiSecurityMetadata(ApiDocumentation.BearerScheme, Optional: false)] : declared;
        if (requirements.Count == 0)
        {
            return Task.CompletedTask;
        }

        operation.Security ??= [];
        if (requirements.Any(r => r.Optional))
        {
            // An empty requirement first: the operation also works without the credential.
            operation.Security.Add(new OpenApiSecurityRequirement());
        }
        foreach (var requirement in requirements)
        {
            operation.Security.Add(new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference(requirement.Scheme, context.Document)] = [],
            });
        }
        return Task.CompletedTask;
    }
}
