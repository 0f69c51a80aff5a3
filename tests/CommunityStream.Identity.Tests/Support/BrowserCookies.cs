using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace CommunityStream.Identity.Tests.Support;

/// <summary>One Set-Cookie header, parsed the way a browser reads it (attribute names lower-cased).</summary>
public sealed record SetCookie(string Name, string Value, IReadOnlyDictionary<string, string> Attributes)
{
    public bool Has(string attribute) => Attributes.ContainsKey(attribute);

    public string? this[string attribute] => Attributes.TryGetValue(attribute, out var value) ? value : null;

    public static IReadOnlyDictionary<string, SetCookie> AllOf(HttpResponseMessage response)
    {
        var cookies = new Dictionary<string, SetCookie>(StringComparer.Ordinal);
        foreach (var header in response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [])
        {
            var parts = header.Split(';', StringSplitOptions.TrimEntries);
            var (name, value) = Split(parts[0]);
            var attributes = parts.Skip(1).Select(Split).ToDictionary(a => a.Name.ToLowerInvariant(), a => a.Value, StringComparer.Ordinal);
            cookies[name] = new SetCookie(name, value, attributes);
        }
        return cookies;
    }

    private static (string Name, string Value) Split(string pair)
    {
        var equals = pair.IndexOf('=', StringComparison.Ordinal);
        return equals < 0 ? (pair, "") : (pair[..equals], pair[(equals + 1)..]);
    }
}

/// <summary>
/// A browser's side of the cookie session done by hand: a client that never stores cookies itself (a CookieContainer
/// would not send Secure cookies over http at all), so each test states exactly which cookies and headers it sends.
/// </summary>
public sealed class BrowserClient : IDisposable
{
    private readonly HttpClient _client;

    public BrowserClient(Uri baseAddress)
    {
        _client = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = baseAddress };
        Origin = baseAddress.GetLeftPart(UriPartial.Authority);
    }

    /// <summary>The site's own origin, as a browser sends it.</summary>
    public string Origin { get; }

    public string? Refresh { get; set; }

    public string? Csrf { get; set; }

    /// <summary>Sends with the current cookies; <paramref name="csrf"/> null sends no CSRF header.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body = null, string? csrf = null, string? origin = null, string? token = null, string? refresh = null, bool sendCookies = true)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        var cookies = new List<string>();
        if (sendCookies && (refresh ?? Refresh) is { } refreshValue)
        {
            cookies.Add("cs_refresh=" + refreshValue);
        }
        if (sendCookies && Csrf is { } csrfValue)
        {
            cookies.Add("cs_csrf=" + csrfValue);
        }
        if (cookies.Count > 0)
        {
            request.Headers.Add("Cookie", string.Join("; ", cookies));
        }
        if (csrf is not null)
        {
            request.Headers.Add("X-CSRF-Token", csrf);
        }
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return _client.SendAsync(request);
    }

    /// <summary>Keeps the cookies a response set (an expired one is dropped), as a browser would.</summary>
    public void Remember(HttpResponseMessage response)
    {
        var cookies = SetCookie.AllOf(response);
        if (cookies.TryGetValue("cs_refresh", out var refresh))
        {
            Refresh = refresh["max-age"] == "0" ? null : refresh.Value;
        }
        if (cookies.TryGetValue("cs_csrf", out var csrf))
        {
            Csrf = csrf["max-age"] == "0" ? null : csrf.Value;
        }
    }

    public void Dispose() => _client.Dispose();
}
