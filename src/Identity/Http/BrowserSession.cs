using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace CommunityStream.Identity.Http;

/// <summary>
/// The browser form of a login: the refresh token lives in an <c>HttpOnly</c> cookie scoped to <c>/api/auth</c>, and a
/// second, script-readable cookie carries a random CSRF token that cookie-authenticated requests must echo in
/// <see cref="CsrfHeader"/> (double submit). Both cookies are <c>Secure; SameSite=Strict</c>: browsers keep Secure
/// cookies from https origins and from http://localhost and http://127.0.0.1, so plain http on any other address
/// needs TLS (a reverse proxy) for browser sessions.
/// </summary>
internal static class BrowserSession
{
    public const string RefreshCookie = "cs_refresh";
    public const string CsrfCookie = "cs_csrf";
    public const string CsrfHeader = "X-CSRF-Token";
    public const string RefreshCookiePath = "/api/auth";

    /// <summary>The value of <c>session</c> in a login body that asks for cookies.</summary>
    public const string CookieMode = "cookie";

    /// <summary>Sets both cookies; the CSRF token is fresh on every login and refresh.</summary>
    public static void Write(HttpResponse response, string refreshToken, TimeSpan lifetime)
    {
        response.Cookies.Append(RefreshCookie, refreshToken, Options(RefreshCookiePath, httpOnly: true, lifetime));
        response.Cookies.Append(CsrfCookie, WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(16)), Options("/", httpOnly: false, lifetime));
    }

    /// <summary>Expires both cookies (same name, path and attributes, <c>Max-Age=0</c>).</summary>
    public static void Expire(HttpResponse response)
    {
        response.Cookies.Append(RefreshCookie, "", Options(RefreshCookiePath, httpOnly: true, TimeSpan.Zero));
        response.Cookies.Append(CsrfCookie, "", Options("/", httpOnly: false, TimeSpan.Zero));
    }

    public static string? RefreshTokenOf(HttpRequest request) =>
        request.Cookies.TryGetValue(RefreshCookie, out var token) && !string.IsNullOrEmpty(token) ? token : null;

    /// <summary>
    /// Null when the request may use its cookies: an <c>Origin</c>, when sent, names this site (scheme and host as the
    /// request arrived, after a trusted proxy's <c>X-Forwarded-Proto</c>), and <see cref="CsrfHeader"/> equals the
    /// CSRF cookie (compared in constant time). Otherwise the 403 problem to answer.
    /// </summary>
    public static IResult? Refuse(HttpRequest request)
    {
        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0 && !string.Equals(origin, $"{request.Scheme}://{request.Host.Value}", StringComparison.OrdinalIgnoreCase))
        {
            return Forbidden("origin", "Cross-origin request refused.", "The Origin header does not name this site.");
        }
        var cookie = request.Cookies.TryGetValue(CsrfCookie, out var value) ? value : null;
        var header = request.Headers[CsrfHeader].ToString();
        if (string.IsNullOrEmpty(cookie) || header.Length == 0
            || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(cookie), Encoding.UTF8.GetBytes(header)))
        {
            return Forbidden("csrf", "CSRF check failed.", $"Send the value of the {CsrfCookie} cookie in the {CsrfHeader} header.");
        }
        return null;
    }

    private static IResult Forbidden(string code, string title, string detail) =>
        Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: title, detail: detail,
            extensions: new Dictionary<string, object?> { ["code"] = code });

    private static CookieOptions Options(string path, bool httpOnly, TimeSpan lifetime) => new()
    {
        Path = path,
        HttpOnly = httpOnly,
        Secure = true,
        SameSite = SameSiteMode.Strict,
        MaxAge = lifetime,
        IsEssential = true,
    };
}
