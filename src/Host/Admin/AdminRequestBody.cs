using System.Text.Json;
using CommunityStream.BuildingBlocks;

namespace CommunityStream.Host.Admin;

/// <summary>
/// Reads an admin request's JSON body: null for a missing or malformed one (each endpoint answers its own 400), and a
/// 413 problem for a body over the node's limit, announced or chunked, where the exception would otherwise be a 500.
/// </summary>
internal static class AdminRequestBody
{
    public static async Task<(T? Value, IResult? TooLarge)> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            return (await request.ReadFromJsonAsync<T>(cancellationToken), null);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return (null, null);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, Problems.Status(StatusCodes.Status413PayloadTooLarge, "Request body too large."));
        }
    }
}
