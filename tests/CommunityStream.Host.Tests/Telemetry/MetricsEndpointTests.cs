using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using CommunityStream.Host.Tests.Support;

namespace CommunityStream.Host.Tests.Telemetry;

/// <summary>
/// <c>GET /metrics</c> on a real node: only on the admin listener, only for an admin (token or <c>Admin:ApiKey</c>),
/// and its instruments move with real activity: a chat post, a failed login, the one-node cluster.
/// </summary>
public sealed class MetricsEndpointTests
{
    private const string ApiKey = "metrics-test-admin-api-key-0123";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Should_serve_metrics_only_on_the_admin_listener_and_only_to_an_admin()
    {
        await using var node = await InProcessNode.StartAsync("--Admin:ApiKey", ApiKey);
        var adminToken = await node.CreateAdminAsync("admin");
        await node.RegisterAsync("viewer1", adminToken, "viewer");
        var viewerToken = await node.LoginAsync("viewer1");

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(node.AdminAddress, null));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(node.AdminAddress, "not-the-api-key-0123456789"));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(node.AdminAddress, viewerToken));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(node.AdminAddress, ApiKey));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(node.AdminAddress, adminToken));
        // The public listener does not have it at all, even for an admin.
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(node.BaseAddress, adminToken));
    }

    [Fact]
    public async Task Should_move_the_instruments_with_a_chat_post_a_failed_login_and_the_cluster()
    {
        // Another node in the same process: meters are found by name process-wide, yet each node reports only its own.
        await using var other = await InProcessNode.StartAsync("--Admin:ApiKey", ApiKey);
        await using var node = await InProcessNode.StartAsync("--Admin:ApiKey", ApiKey);
        var adminToken = await node.CreateAdminAsync("admin");
        await node.CreateRoomAsync(adminToken, "counted");
        var before = await ScrapeAsync(node);
        Assert.Equal(1, before.Value("communitystream_cluster_members", "status=up"));
        Assert.Equal(0, before.Value("communitystream_chat_messages_posted_total"));
        Assert.Equal(0, before.Value("communitystream_chat_connections"));

        using var socket = await ChatSocket.ConnectAsync(node.WebSocketUri(adminToken));
        await socket.JoinAsync("counted");
        var ack = await socket.PostAsync("counted", "hello metrics", "c1", Timeout);
        Assert.Equal("ack", ack?.GetProperty("type").GetString());
        using (var refused = await node.Http.PostAsJsonAsync("/api/auth/login", new { login = "admin", password = "not-the-password-1" }))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        var after = await Eventually.Until(() => ScrapeAsync(node), s => s.Value("communitystream_chat_deliveries_total") >= 1, Timeout, "the post's delivery in a scrape");
        Assert.Equal(1, after.Value("communitystream_chat_messages_posted_total"));
        Assert.Equal(1, after.Value("communitystream_chat_joins_total"));
        Assert.Equal(1, after.Value("communitystream_chat_connections"));
        Assert.Equal(1, after.Value("communitystream_chat_rooms_active"));
        Assert.Equal(1, after.Value("communitystream_identity_login_failures_total", "reason=invalid_credentials"));
        Assert.Equal(1, after.Value("communitystream_cluster_members", "status=up"));
        Assert.Equal(0, after.Value("communitystream_cluster_unreachable"));
        await Eventually.Until(() => ScrapeAsync(node), s => s.Value("communitystream_cluster_entities", "type=room") == 1, Timeout, "the room entity counted by the shard probe");
        // The post's way through the stages: gateway to room, persisted, acked, broadcast to the subscriber, first socket write.
        var stages = await Eventually.Until(() => ScrapeAsync(node), s => s.Value("communitystream_chat_stage_first_write_seconds_count") >= 1, Timeout, "the post's first socket write");
        foreach (var stage in new[] { "to_room", "persist", "ack", "to_subscriber" })
        {
            Assert.True(stages.Value($"communitystream_chat_stage_{stage}_seconds_count") >= 1, $"stage {stage} recorded");
        }
        Assert.True(stages.Value("communitystream_journal_transaction_duration_seconds_count") >= 1, "journal transactions recorded");

        var untouched = await ScrapeAsync(other);
        Assert.Equal(0, untouched.Value("communitystream_chat_messages_posted_total"));
        Assert.Equal(0, untouched.Value("communitystream_chat_connections"));
        Assert.Null(untouched.Value("communitystream_identity_login_failures_total"));
        Assert.Equal(1, untouched.Value("communitystream_cluster_members", "status=up"));
    }

    private static async Task<HttpStatusCode> StatusAsync(Uri listener, string? bearer)
    {
        using var http = new HttpClient { BaseAddress = listener };
        if (bearer is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }
        using var response = await http.GetAsync("/metrics");
        return response.StatusCode;
    }

    private static async Task<PrometheusScrape> ScrapeAsync(InProcessNode node)
    {
        using var http = new HttpClient { BaseAddress = node.AdminAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        using var response = await http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new PrometheusScrape(await response.Content.ReadAsStringAsync());
    }
}
