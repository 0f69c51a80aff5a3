using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace CommunityStream.MediaLoad;

/// <summary>The server's reply to an offer: the answer and session URL on 201, otherwise why not.</summary>
internal sealed record SignalingResult(bool Created, string? Answer, Uri? Location, string? Failure);

/// <summary>
/// WHIP (RFC 9725) and WHEP signaling: POST an SDP offer to <c>/whip/{channel}</c> (with the stream key as bearer
/// token) or <c>/whep/{channel}</c>, expect <c>201 Created</c> with the answer and a <c>Location</c>; DELETE that
/// location to end the session. Failures come back as <c>http-403</c>, <c>timeout</c>, … for the report.
/// </summary>
internal sealed class WhipWhepClient(HttpClient http)
{
    private static readonly MediaTypeHeaderValue Sdp = new("application/sdp");

    public Task<SignalingResult> PublishAsync(string channel, string offer, string streamKey, CancellationToken cancel) =>
        PostAsync($"whip/{Uri.EscapeDataString(channel)}", offer, streamKey, cancel);

    public Task<SignalingResult> ViewAsync(string channel, string offer, string? token, CancellationToken cancel) =>
        PostAsync($"whep/{Uri.EscapeDataString(channel)}", offer, token, cancel);

    /// <summary>Ends a session; true on 2xx. Never throws (teardown must not stop the report).</summary>
    public async Task<bool> DeleteAsync(Uri location, string? token, CancellationToken cancel)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, location);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        try
        {
            using var response = await http.SendAsync(request, cancel);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            return false;
        }
    }

    private async Task<SignalingResult> PostAsync(string path, string offer, string? token, CancellationToken cancel)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(offer, Encoding.UTF8),
        };
        // WHIP §4.2: exactly application/sdp, without a charset parameter.
        request.Content.Headers.ContentType = Sdp;
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        try
        {
            using var response = await http.SendAsync(request, cancel);
            var body = await response.Content.ReadAsStringAsync(cancel);
            if (response.StatusCode != HttpStatusCode.Created)
            {
                return new SignalingResult(false, null, null, $"http-{(int)response.StatusCode}");
            }
            var location = response.Headers.Location;
            if (location is null)
            {
                return new SignalingResult(false, null, null, "no-location");
            }
            return new SignalingResult(true, body, location.IsAbsoluteUri ? location : new Uri(http.BaseAddress!, location), null);
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            return new SignalingResult(false, null, null, "timeout");
        }
        catch (HttpRequestException e)
        {
            return new SignalingResult(false, null, null, $"http-error-{e.HttpRequestError}");
        }
    }
}
