using System.Text;
using Microsoft.AspNetCore.Http;

namespace CommunityStream.Media.Signalling;

/// <summary>The <c>201 Created</c> of WHIP/WHEP: the SDP answer, the session resource and the ICE servers (RFC 9725 §4.2, §4.6).</summary>
internal static class SessionResponses
{
    public static IResult Created(HttpContext context, string resourcePath, string etag, string answerSdp, StreamingOptions options)
    {
        var headers = context.Response.Headers;
        headers.Location = resourcePath;
        headers.ETag = etag;
        headers["Accept-Patch"] = SdpRequests.TrickleContentType;
        foreach (var server in options.IceServers)
        {
            headers.Append("Link", IceServerLink(server));
        }
        return Results.Text(answerSdp, SdpRequests.SdpContentType, Encoding.UTF8, StatusCodes.Status201Created);
    }

    internal static string IceServerLink(IceServerOptions server)
    {
        var link = new StringBuilder().Append('<').Append(server.Url).Append(">; rel=\"ice-server\"");
        if (!string.IsNullOrEmpty(server.Username))
        {
            link.Append("; username=\"").Append(Quote(server.Username)).Append('"')
                .Append("; credential=\"").Append(Quote(server.Credential ?? "")).Append('"')
                .Append("; credential-type=\"password\"");
        }
        return link.ToString();
    }

    private static string Quote(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}
