using Microsoft.AspNetCore.Http;

namespace CommunityStream.Web.Http;

/// <summary>
/// The headers every page carries. The policy allows scripts, styles, images and connections from this site only;
/// no inline script or style, no plugins, no framing. Trusted Types with no policy make every HTML sink
/// (<c>innerHTML</c>, <c>insertAdjacentHTML</c>…) throw: chat text can only ever become text nodes.
/// </summary>
internal static class SecurityHeaders
{
    // 'self' covers ws:/wss: to the same host in CSP Level 3 (the chat socket); blob: for the local preview, PiP and the
    // HLS fallback's MediaSource (an object URL); its playlists and parts are same-site fetches (connect-src 'self').
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; " +
        "connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; " +
        "require-trusted-types-for 'script'; trusted-types 'none'";

    /// <summary>For the static files themselves: an SVG or other file opened directly runs no script and loads nothing.</summary>
    public const string AssetPolicy = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

    public const string PermissionsPolicy =
        "camera=(self), microphone=(self), display-capture=(self), fullscreen=(self), picture-in-picture=(self), " +
        "autoplay=(self), geolocation=(), payment=(), usb=()";

    public static void ApplyToPage(HttpResponse response)
    {
        var headers = response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "same-origin";
        headers.XFrameOptions = "DENY";
        headers["Permissions-Policy"] = PermissionsPolicy;
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Cross-Origin-Resource-Policy"] = "same-origin";
    }
}
