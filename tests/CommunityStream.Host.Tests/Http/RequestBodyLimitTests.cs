using System.Text;
using System.Text.Json;
using CommunityStream.Host.Tests.Support;

namespace CommunityStream.Host.Tests.Http;

/// <summary>
/// A request body over an endpoint's limit is a 413 problem whether it is announced by <c>Content-Length</c> or sent
/// chunked (no length up front), for every kind of endpoint that reads a body: JSON read by hand (auth), JSON bound as a
/// parameter (rooms, streams), SDP (WHIP, WHEP) and the admin listener's login; and nothing is logged as an error.
/// </summary>
[Collection(SerialHostTests.Name)]
public sealed class RequestBodyLimitTests
{
    private const int OverHostLimit = (int)HostBuilderExtensions.MaxRequestBodyBytes + 4096;

    [Fact]
    public async Task Should_answer_413_problem_for_an_over_limit_body_chunked_or_not_on_every_body_endpoint()
    {
        const string apiKey = "body-limit-admin-api-key-0123456789";
        await using var node = await InProcessNode.StartAsync("--Admin:ApiKey", apiKey);
        var admin = await node.CreateAdminAsync("limits_admin");
        await node.RegisterAsync("limits_caster", admin, "viewer", "streamer");
        var streamer = await node.LoginAsync("limits_caster");
        var logs = LogCapture.AttachTo(node.App.Services);

        (string Method, Uri Server, string Path, string ContentType, byte[] Body, string? Bearer)[] cases =
        [
            ("POST", node.BaseAddress, "/api/auth/login", "application/json", Json("login", 17 * 1024), null),
            ("POST", node.BaseAddress, "/api/auth/register", "application/json", Json("username", 17 * 1024), null),
            ("POST", node.BaseAddress, "/api/rooms", "application/json", Json("name", OverHostLimit), admin),
            ("PATCH", node.BaseAddress, "/api/streams/limits_caster", "application/json", Json("title", OverHostLimit), streamer),
            ("POST", node.BaseAddress, "/whip/limits_caster", "application/sdp", Sdp(33 * 1024), streamer),
            ("POST", node.BaseAddress, "/whep/limits_caster", "application/sdp", Sdp(33 * 1024), null),
            ("POST", node.AdminAddress, "/admin/v1/login", "application/json", Json("username", OverHostLimit), null),
            ("PUT", node.AdminAddress, "/admin/v1/log/levels/CommunityStream.Chat", "application/json", Json("level", OverHostLimit), apiKey),
            ("POST", node.AdminAddress, "/admin/v1/cluster/leave", "application/json", Json("address", OverHostLimit), apiKey),
        ];
        var wrong = new List<string>();
        foreach (var (method, server, path, contentType, body, bearer) in cases)
        {
            foreach (var chunked in new[] { true, false })
            {
                var response = await RawHttp.SendAsync(server, method, path, contentType, body, chunked, bearer);
                var framing = chunked ? "chunked" : "Content-Length";
                if (response.Status != 413)
                {
                    wrong.Add($"{method} {path} ({framing}): {response.Status} {response.Body[..Math.Min(200, response.Body.Length)]}");
                    continue;
                }
                if (!response.Headers.TryGetValue("content-type", out var type) || !type.StartsWith("application/problem+json", StringComparison.Ordinal)
                    || JsonDocument.Parse(response.Body).RootElement.GetProperty("status").GetInt32() != 413)
                {
                    wrong.Add($"{method} {path} ({framing}): 413 without a problem body: {response.Body}");
                }
            }
        }

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
        Assert.True(logs.Errors.IsEmpty, string.Join("\n", logs.Errors));
    }

    private static byte[] Json(string property, int totalBytes) =>
        Encoding.UTF8.GetBytes($"{{\"{property}\": \"{new string('a', totalBytes)}\"}}");

    private static byte[] Sdp(int totalBytes)
    {
        var text = new StringBuilder("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n");
        while (text.Length < totalBytes)
        {
            text.Append("a=x-padding:").Append('a', 100).Append("\r\n");
        }
        return Encoding.ASCII.GetBytes(text.ToString());
    }
}
