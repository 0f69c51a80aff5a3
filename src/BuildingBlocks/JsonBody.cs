using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace CommunityStream.BuildingBlocks;

/// <summary>
/// Reads a JSON body by hand: parameter binding answers malformed JSON with a bare 400 (or an exception
/// page), and these endpoints promise an RFC 7807 problem instead.
/// </summary>
public static class JsonBody
{
    private const long MaximumBytes = 16 * 1024;

    /// <summary>Declares the 413 and 415 that <see cref="ReadAsync{T}"/> answers for every endpoint that uses it.</summary>
    public static RouteHandlerBuilder ProducesJsonBodyProblems(this RouteHandlerBuilder builder) =>
        builder.ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

    /// <summary>A JSON body as <typeparamref name="T"/>; 415, 413 or 400 as a problem otherwise.</summary>
    public static async Task<(T? Value, IResult? Error)> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Refused(request) is { } refused)
        {
            return (null, refused);
        }
        LimitBodySize(request);
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
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge());
        }
    }

    /// <summary>
    /// A JSON object body, or none (null, no error) when the request has no body at all; 415, 413 or 400 as a problem
    /// for anything else. For endpoints whose body is optional.
    /// </summary>
    public static async Task<(JsonElement? Body, IResult? Error)> ReadOptionalObjectAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength is 0 || (request.ContentLength is null && !request.HasJsonContentType()))
        {
            return (null, null);
        }
        if (Refused(request) is { } refused)
        {
            return (null, refused);
        }
        LimitBodySize(request);
        try
        {
            var json = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body, cancellationToken: cancellationToken);
            return json.ValueKind == JsonValueKind.Object
                ? (json, null)
                : (null, Problems.Status(StatusCodes.Status400BadRequest, "The request is invalid.", "The body must be a JSON object."));
        }
        catch (JsonException)
        {
            return (null, Problems.Status(StatusCodes.Status400BadRequest, "The request is invalid.", "The body is not valid JSON."));
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge());
        }
    }

    private static IResult? Refused(HttpRequest request) =>
        !request.HasJsonContentType() ? Problems.Status(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type.", "Send the body as application/json.")
        : request.ContentLength > MaximumBytes ? TooLarge()
        : null;

    private static IResult TooLarge() => Problems.Status(StatusCodes.Status413PayloadTooLarge, "Request body too large.");

    // A chunked body has no Content-Length to check up front: the server stops reading it past the limit instead.
    private static void LimitBodySize(HttpRequest request)
    {
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaximumBytes;
        }
    }
}
