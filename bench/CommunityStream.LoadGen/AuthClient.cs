using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace CommunityStream.LoadGen;

/// <summary>
/// The few HTTP calls the generator makes before a run: register/login users (PBKDF2 makes each login
/// cost the server ~0.2 s of CPU, so a handful of users is shared by many connections), and room setup
/// as admin. Requests leave from the given source addresses round-robin, so per-IP throttles see them spread.
/// </summary>
internal sealed class AuthClient : IDisposable
{
    private readonly HttpClient[] _clients;
    private int _next;

    public AuthClient(Uri baseAddress, IReadOnlyList<IPAddress> sources)
    {
        IReadOnlyList<IPAddress?> list = sources.Count > 0 ? [.. sources] : [null];
        _clients = [.. list.Select(source => new HttpClient(Handler(source)) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) })];
    }

    private static SocketsHttpHandler Handler(IPAddress? source) => new()
    {
        ConnectCallback = async (context, ct) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                if (source is not null)
                {
                    socket.Bind(new IPEndPoint(source, 0));
                }

                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    private HttpClient Next() => _clients[(int)((uint)Interlocked.Increment(ref _next) % _clients.Length)];

    /// <summary>Registers the user unless it exists (409), then logs in; returns the access token and user id.</summary>
    public async Task<(string Token, string? UserId)> RegisterAndLoginAsync(string username, string password, CancellationToken ct)
    {
        using (var register = await Next().PostAsJsonAsync("/api/auth/register", new { username, email = $"{username}@loadgen.test", password }, ct))
        {
            if (register.StatusCode != HttpStatusCode.Conflict && !register.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"register {username}: {(int)register.StatusCode} {await register.Content.ReadAsStringAsync(ct)}");
            }
        }

        return await LoginAsync(username, password, ct);
    }

    public async Task<(string Token, string? UserId)> LoginAsync(string login, string password, CancellationToken ct)
    {
        using var response = await Next().PostAsJsonAsync("/api/auth/login", new { login, password }, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"login {login}: {(int)response.StatusCode} {body}");
        }

        using var json = JsonDocument.Parse(body);
        var token = json.RootElement.GetProperty("accessToken").GetString() ?? throw new HttpRequestException("login: no accessToken");
        return (token, UserIdOf(token));
    }

    public async Task<string> GetMyIdAsync(string token, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        request.Headers.Authorization = new("Bearer", token);
        using var response = await Next().SendAsync(request, ct);
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        return json.RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>Sends an admin request; returns the status code (the caller decides what is fine).</summary>
    public async Task<HttpStatusCode> SendAsAsync(string token, HttpMethod method, string path, object body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new("Bearer", token);
        using var response = await Next().SendAsync(request, ct);
        return response.StatusCode;
    }

    /// <summary>The <c>sub</c> claim of a JWT, read without validation (the server validates it).</summary>
    private static string? UserIdOf(string jwt)
    {
        var parts = jwt.Split('.');
        if (parts.Length < 2)
        {
            return null;
        }

        try
        {
            var payload = parts[1].Replace('-', '+').Replace('_', '/');
            payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
            using var json = JsonDocument.Parse(Convert.FromBase64String(payload));
            return json.RootElement.TryGetProperty("sub", out var sub) ? sub.GetString() : null;
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }
    }
}
