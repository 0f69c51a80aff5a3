using System.Globalization;
using CommunityStream.BuildingBlocks;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CommunityStream.Host.OpenApi;

/// <summary>Adds the headers endpoints declare with <see cref="ApiResponseHeaderMetadata"/> (<c>Location</c> of a 201, …).</summary>
internal sealed class OpenApiResponseHeaderTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var header in context.Description.ActionDescriptor.EndpointMetadata.OfType<ApiResponseHeaderMetadata>())
        {
            var status = header.StatusCode.ToString(CultureInfo.InvariantCulture);
            if (operation.Responses?.TryGetValue(status, out var found) != true || found is not OpenApiResponse response)
            {
                throw new InvalidOperationException($"{context.Description.RelativePath} declares header {header.Name} on {status}, which it does not produce.");
            }
            response.Headers ??= new Dictionary<string, IOpenApiHeader>();
            response.Headers[header.Name] = new OpenApiHeader
            {
                Description = header.Description,
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            };
        }
        return Task.CompletedTask;
    }
}
