using System.Text.Json;
using CommunityStream.Host.Tests.Support;

namespace CommunityStream.Host.Tests;

/// <summary>
/// The OpenAPI document a real node serves says what the docs say: every operation's status codes and the credential
/// it needs. <see cref="Documented"/> is the endpoint tables of docs/identity.md, docs/chat.md, docs/media.md and docs/web.md as
/// data; a change to an endpoint's codes changes the doc, this table and the endpoint's metadata together.
/// </summary>
[Collection(SerialHostTests.Name)]
public sealed class OpenApiDocumentProcessTests
{
    private const string None = "";
    private const string Bearer = "Bearer";
    private const string OptionalBearer = "Bearer?";
    private const string StreamKey = "StreamKey";
    private const string StreamKeyOrBearer = "StreamKey,Bearer";
    private const string TricklePatch = "204 404 412 413 415 422 503";

    /// <summary>Method, path, status codes, credential ("Bearer?" = optional) as the docs list them.</summary>
    private static readonly (string Method, string Path, string Codes, string Security)[] Documented =
    [
        // docs/identity.md, "Endpoints"
        ("POST", "/api/auth/register", "201 400 409 413 415 429", None),
        ("POST", "/api/auth/login", "200 400 401 403 413 415 429", None),
        ("POST", "/api/auth/refresh", "200 400 401 403 413 415", None),
        ("POST", "/api/auth/logout", "204 400 403 413 415", None),
        ("GET", "/api/me", "200 401", Bearer),
        ("DELETE", "/api/me", "204 401 403 413 415 429", Bearer),
        ("POST", "/api/me/password", "200 400 401 403 413 415 429", Bearer),
        ("POST", "/api/me/sessions/revoke", "204 401", Bearer),
        ("GET", "/api/me/stream-key", "200 401 403", Bearer),
        ("POST", "/api/me/stream-key", "200 401 403", Bearer),
        ("GET", "/api/me/export", "200 401 429", Bearer),
        ("GET", "/api/users/{id}", "200 401 403 404", Bearer),
        ("PUT", "/api/users/{id}/roles", "200 400 401 403 404 413 415", Bearer),
        ("POST", "/api/users/{id}/disable", "200 401 403 404", Bearer),
        ("POST", "/api/users/{id}/enable", "200 401 403 404", Bearer),
        // docs/chat.md, "HTTP"
        ("POST", "/api/rooms", "201 400 401 403 409 415 503", Bearer),
        ("GET", "/api/rooms/{room}", "200 401 404 503", OptionalBearer),
        ("GET", "/api/rooms/{room}/messages", "200 400 401 403 404 503", OptionalBearer),
        // docs/media.md, "Endpoints"
        ("POST", "/whip/{channel}", "201 400 401 403 404 409 413 415 503", StreamKeyOrBearer),
        ("DELETE", "/whip/{channel}/sessions/{id}", "200 401 403 404 503", StreamKeyOrBearer),
        ("PATCH", "/whip/{channel}/sessions/{id}", TricklePatch, None),
        ("POST", "/whep/{channel}", "201 400 401 404 413 415 503", OptionalBearer),
        ("DELETE", "/whep/{channel}/sessions/{id}", "200 404 503", None),
        ("PATCH", "/whep/{channel}/sessions/{id}", TricklePatch, None),
        ("GET", "/api/streams", "200", None),
        ("GET", "/api/streams/{channel}", "200 404 503", OptionalBearer),
        ("PATCH", "/api/streams/{channel}", "200 400 401 403 415 503", Bearer),
        ("GET", "/hls/{channel}/{file}", "200 304 400 403 404 503", None),
        ("HEAD", "/hls/{channel}/{file}", "200 304 400 403 404 503", None),
        ("GET", "/hls/{channel}/{token}/{file}", "200 304 400 403 404 503", None),
        ("HEAD", "/hls/{channel}/{token}/{file}", "200 304 400 403 404 503", None),
        // docs/web.md, "Endpoints"
        ("GET", "/api/emotes", "200", None),
    ];

    [Fact]
    public async Task Should_serve_the_documented_status_codes_and_credentials_for_every_operation()
    {
        using var data = new TempDirectory();
        await using var host = HostProcess.Start(data.Path);
        await host.WaitReadyAsync(TimeSpan.FromSeconds(30));
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        using var document = JsonDocument.Parse(await http.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)));
        var root = document.RootElement;

        var served = Operations(root).ToDictionary(o => (o.Method, o.Path), o => (o.Codes, o.Security));
        Assert.Equal(
            Documented.Select(d => $"{d.Method} {d.Path}").Order(StringComparer.Ordinal),
            served.Keys.Select(k => $"{k.Method} {k.Path}").Order(StringComparer.Ordinal));
        foreach (var (method, path, codes, security) in Documented)
        {
            var (servedCodes, servedSecurity) = served[(method, path)];
            Assert.True(codes == servedCodes, $"{method} {path}: documented {codes}, served {servedCodes}");
            Assert.True(security == servedSecurity, $"{method} {path}: documented credential '{security}', served '{servedSecurity}'");
        }

        var schemes = root.GetProperty("components").GetProperty("securitySchemes");
        foreach (var name in new[] { Bearer, StreamKey })
        {
            var scheme = schemes.GetProperty(name);
            Assert.Equal("http", scheme.GetProperty("type").GetString());
            Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());
        }
        Assert.Equal("JWT", schemes.GetProperty(Bearer).GetProperty("bearerFormat").GetString());
    }

    [Fact]
    public async Task Should_describe_the_created_rooms_location_and_the_room_bodies()
    {
        using var data = new TempDirectory();
        await using var host = HostProcess.Start(data.Path);
        await host.WaitReadyAsync(TimeSpan.FromSeconds(30));
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        using var document = JsonDocument.Parse(await http.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)));
        var root = document.RootElement;
        var paths = root.GetProperty("paths");

        var created = paths.GetProperty("/api/rooms").GetProperty("post").GetProperty("responses").GetProperty("201");
        Assert.True(created.GetProperty("headers").TryGetProperty("Location", out _), "201 of POST /api/rooms declares Location");
        var whip = paths.GetProperty("/whip/{channel}").GetProperty("post").GetProperty("responses").GetProperty("201").GetProperty("headers");
        foreach (var header in new[] { "Location", "ETag", "Accept-Patch", "Link" })
        {
            Assert.True(whip.TryGetProperty(header, out _), $"201 of WHIP declares {header}");
        }

        var room = Properties(root, paths.GetProperty("/api/rooms/{room}").GetProperty("get"));
        Assert.Superset(new HashSet<string> { "room", "epoch", "latestOffset", "presence", "owner", "moderators", "settings" }, room);
        var page = Properties(root, paths.GetProperty("/api/rooms/{room}/messages").GetProperty("get"));
        Assert.Superset(new HashSet<string> { "room", "epoch", "latest", "messages" }, page);
    }

    private static IEnumerable<(string Method, string Path, string Codes, string Security)> Operations(JsonElement root)
    {
        foreach (var path in root.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                var codes = string.Join(' ', operation.Value.GetProperty("responses").EnumerateObject().Select(r => r.Name).Order(StringComparer.Ordinal));
                yield return (operation.Name.ToUpperInvariant(), path.Name, codes, SecurityOf(operation.Value));
            }
        }
    }

    /// <summary>"" without <c>security</c>, the scheme's name when required, with "?" when an empty requirement makes it optional.</summary>
    private static string SecurityOf(JsonElement operation)
    {
        if (!operation.TryGetProperty("security", out var security))
        {
            return None;
        }
        var requirements = security.EnumerateArray().ToList();
        var schemes = requirements.SelectMany(r => r.EnumerateObject().Select(p => p.Name)).ToList();
        var optional = requirements.Any(r => !r.EnumerateObject().Any());
        return string.Join(',', schemes) + (optional ? "?" : "");
    }

    /// <summary>The property names of an operation's 200 JSON schema, following one <c>$ref</c>.</summary>
    private static HashSet<string> Properties(JsonElement root, JsonElement operation)
    {
        var schema = operation.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        if (schema.TryGetProperty("$ref", out var reference))
        {
            var name = reference.GetString()!["#/components/schemas/".Length..];
            schema = root.GetProperty("components").GetProperty("schemas").GetProperty(name);
        }
        return [.. schema.GetProperty("properties").EnumerateObject().Select(p => p.Name)];
    }
}
