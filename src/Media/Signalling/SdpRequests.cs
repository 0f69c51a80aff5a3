using System.Text;
using CommunityStream.BuildingBlocks;
using Microsoft.AspNetCore.Http;

namespace CommunityStream.Media.Signalling;

/// <summary>Reads an SDP offer or fragment from a request body with the content type and size checks WHIP/WHEP need.</summary>
internal static class SdpRequests
{
    public const string SdpContentType = "application/sdp";
    public const string TrickleContentType = "application/trickle-ice-sdpfrag";

    /// <summary>The body as text, or the problem to answer: 415 for another content type, 413 when too large, 400 when not UTF-8.</summary>
    public static async Task<(string? Body, IResult? Problem)> ReadAsync(HttpRequest request, string contentType, int maxBytes, CancellationToken cancel)
    {
        var actual = request.ContentType?.Split(';')[0].Trim();
        if (!string.Equals(actual, contentType, StringComparison.OrdinalIgnoreCase))
        {
            return (null, Problems.Status(StatusCodes.Status415UnsupportedMediaType, $"The body must be {contentType}.", $"Content-Type was '{request.ContentType ?? "(none)"}'."));
        }
        if (request.ContentLength > maxBytes)
        {
            return (null, TooLarge(maxBytes));
        }
        var buffer = new byte[maxBytes + 1];
        var length = 0;
        int read;
        while ((read = await request.Body.ReadAsync(buffer.AsMemory(length), cancel)) > 0)
        {
            length += read;
            if (length > maxBytes)
            {
                return (null, TooLarge(maxBytes));
            }
        }
        try
        {
            return (new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer, 0, length), null);
        }
        catch (DecoderFallbackException)
        {
            return (null, Problems.Status(StatusCodes.Status400BadRequest, "The body is not valid UTF-8."));
        }
    }

    private static IResult TooLarge(int maxBytes) =>
        Problems.Status(StatusCodes.Status413PayloadTooLarge, "The SDP is too large.", $"At most {maxBytes} bytes (Media:MaxSdpBytes).");
}
