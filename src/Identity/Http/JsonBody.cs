using System.Text.Json;
using CommunityStream.BuildingBlocks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace CommunityStream.Identity.Http;

/// <summary>
/// Reads a JSON body by hand: parameter binding answers malformed JSON with a bare 400 (or an exception
/// page), and these endpoints promise an RFC 7807 problem instead.
/// </summary>
internal static class JsonBody
{
    private const long MaximumBytes = 16 * 1024;

    /// <summary>Declares the 413 and 415 that <see cref="ReadAsync{T}"/> answers for every endpoint that uses it.</summary>
    public static RouteHandlerBuilder ProducesJsonBodyProblems(this RouteHandlerBuilder builder) =>
        builder.ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

    public static async Task<(T? Value, IResult? Error)> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        if (!request.HasJsonContentType())
        {
            return (null, Problems.Status(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type.", "Send the body as application/json."));
        }
        if (request.ContentLength > MaximumBytes)
        {
            return (null, Problems.Status(StatusCodes.Status413PayloadTooLarge, "Request body too large."));
        }
        try
        {
            var value = await request.ReadFromJsonAsync<T>(cancellationToken);
            return value is null
                ? (null, Problems.Status(StatusCodes.Status400BadRequest, "The request is invalid.", "A JSON object body is required."))
                : (value, null);
        }
        catch (JsonException)
        {
            return (null, Problems.Status(StatusCodes.Status400BadRequest, "The request is invalid.", "The body is not valid JSON for this request."));
        }
    }
}
