using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CommunityStream.EndToEnd.Tests.Support;

namespace CommunityStream.EndToEnd.Tests.Live;

/// <summary>
/// A real node's <c>GET /metrics</c> after real activity (a Chromium publisher and viewer, a chat post and a
/// refused frame over a WebSocket, failed logins up to a lockout): the instruments move, and every metric the
/// Grafana dashboard (docker/grafana/dashboards) queries is in the scrape.
/// </summary>
[Collection(ChromiumTests.Name)]
public sealed partial class MetricsScrapeTests(ChromiumFixture chromium)
{
    private const string ApiKey = "metrics-test-admin-api-key-0123";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [SkippableFact]
    public async Task Should_serve_every_instrument_the_dashboard_queries_after_real_activity()
    {
        chromium.SkipIfUnavailable();
        await using var node = await InProcessNode.StartAsync("--Media:CorsOrigins:0", chromium.BlankPage.GetLeftPart(UriPartial.Authority),
            "--Identity:Throttle:AccountFailures", "2", "--Admin:ApiKey", ApiKey);
        var admin = await node.CreateAdminAsync("admin");
        var streamer = await Streamer.CreateAsync(node, admin, "metered");
        await node.CreateRoomAsync(admin, "lobby");

        var before = await ScrapeAsync(node);
        Assert.Equal(1, before.Value("communitystream_cluster_members", "status=up"));
        Assert.Equal(0, before.Value("communitystream_cluster_unreachable"));

        // Chat: a post acknowledged and delivered to the one member, and a frame refused as bad JSON.
        using (var socket = new ClientWebSocket())
        {
            await socket.ConnectAsync(node.WebSocketUri(await node.LoginAsync("admin")), CancellationToken.None);
            await SendAsync(socket, """{"type":"join","room":"lobby","ref":"j"}""");
            await ReceiveUntilAsync(socket, "joined");
            await SendAsync(socket, """{"type":"send","room":"lobby","text":"counted","clientId":"m1","ref":"s"}""");
            // The broadcast of the post reaching this socket is a delivery (before or after the ack).
            await ReceiveUntilAsync(socket, "ack", "message");
            await SendAsync(socket, "{not json");
            await ReceiveUntilAsync(socket, "error");
        }
        // Identity: two wrong passwords lock the account (AccountFailures 2).
        for (var i = 0; i < 2; i++)
        {
            using var refused = await node.Http.PostAsJsonAsync("/api/auth/login", new { login = "admin", password = "wrong-password-1" });
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        // Media: a publisher and a viewer through WHIP and WHEP.
        var publisher = await chromium.NewPageAsync();
        var viewer = await chromium.NewPageAsync();
        try
        {
            var published = await publisher.EvaluateAsync<string[]>(WhipWhepScripts.Publish, new { url = new Uri(node.BaseAddress, "/whip/metered").ToString(), key = streamer.StreamKey, codec = "VP8" });
            Assert.True(published[0] == "201", string.Join(" ", published));
            var watching = await viewer.EvaluateAsync<string[]>(WhipWhepScripts.Watch, new Uri(node.BaseAddress, "/whep/metered").ToString());
            Assert.True(watching[0] == "201", string.Join(" ", watching));
            await Eventually.Until(() => viewer.EvaluateAsync<long[]>(ViewerScript.Stats), s => s[0] >= 30, Timeout, "the viewer decoding");

            var scrape = await Eventually.Until(() => ScrapeAsync(node),
                s => s.Value("communitystream_media_forwarding_delay_seconds_count") > 0 && s.Value("communitystream_cluster_entities", "type=room") >= 1,
                Timeout, "the forwarding-delay histogram and the shard probe in a scrape");

            Assert.True(scrape.Value("communitystream_chat_messages_posted_total") >= 1, "messages posted");
            Assert.True(scrape.Value("communitystream_chat_deliveries_total") >= 1, "deliveries");
            Assert.True(scrape.Value("communitystream_chat_joins_total") >= 1, "joins");
            Assert.True(scrape.Value("communitystream_chat_send_pass_duration_seconds_count") >= 1, "send passes");
            Assert.Equal(1, scrape.Value("communitystream_chat_frames_rejected_total", "code=bad_json"));
            Assert.Equal(2, scrape.Value("communitystream_identity_login_failures_total", "reason=invalid_credentials"));
            Assert.Equal(1, scrape.Value("communitystream_identity_lockouts_total"));
            Assert.True(scrape.Value("communitystream_identity_logins_total") >= 2, "logins");
            Assert.Equal(1, scrape.Value("communitystream_media_sessions", "kind=whip"));
            Assert.Equal(1, scrape.Value("communitystream_media_sessions", "kind=whep"));
            Assert.Equal(1, scrape.Value("communitystream_media_stream_viewers", "channel=metered"));
            Assert.True(scrape.Value("communitystream_media_packets_received_total") > 100, "packets in");
            Assert.True(scrape.Value("communitystream_media_packets_sent_total") > 100, "packets out");
            Assert.True(scrape.Value("communitystream_media_received_bytes_total") > 10_000, "bytes in");
            Assert.True(scrape.Value("communitystream_media_dtls_handshakes_total", "result=completed") >= 2, "DTLS handshakes");
            Assert.Equal(1, scrape.Value("communitystream_cluster_members", "status=up"));

            var missing = DashboardMetricNames().Where(name => !InScrape(scrape, name)).ToList();
            Assert.True(missing.Count == 0, $"the dashboard queries metrics the scrape lacks: {string.Join(", ", missing)}");
        }
        finally
        {
            await publisher.CloseAsync();
            await viewer.CloseAsync();
        }
    }

    /// <summary>The node's Prometheus exposition, from its admin listener with the admin API key, as Prometheus scrapes it.</summary>
    internal static async Task<PrometheusScrape> ScrapeAsync(InProcessNode node)
    {
        using var http = new HttpClient { BaseAddress = node.AdminAddress };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ApiKey);
        using var response = await http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new PrometheusScrape(await response.Content.ReadAsStringAsync());
    }

    /// <summary>Every metric name in the dashboard's queries (its <c>expr</c> fields).</summary>
    internal static IReadOnlyList<string> DashboardMetricNames()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "CommunityStream.sln")))
        {
            root = root.Parent ?? throw new InvalidOperationException("No CommunityStream.sln above the test's directory.");
        }
        using var dashboard = JsonDocument.Parse(File.ReadAllText(Path.Combine(root.FullName, "docker", "grafana", "dashboards", "communitystream.json")));
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var panel in dashboard.RootElement.GetProperty("panels").EnumerateArray())
        {
            if (!panel.TryGetProperty("targets", out var targets))
            {
                continue;
            }
            foreach (var target in targets.EnumerateArray())
            {
                foreach (Match match in MetricName().Matches(target.GetProperty("expr").GetString()!))
                {
                    names.Add(match.Value);
                }
            }
        }
        Assert.True(names.Count > 20, $"only {names.Count} metric names found in the dashboard");
        return [.. names];
    }

    // A histogram is queried as NAME_bucket (or _sum, _count); all three are in a scrape that has any of them.
    private static bool InScrape(PrometheusScrape scrape, string name) =>
        scrape.Names.Contains(name)
        || (HistogramSuffix().Match(name) is { Success: true } suffix && new[] { "_bucket", "_sum", "_count" }.Any(s => scrape.Names.Contains(name[..suffix.Index] + s)));

    private static Task SendAsync(ClientWebSocket socket, string frame) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(frame), WebSocketMessageType.Text, true, CancellationToken.None);

    // Reads until a frame of each type came. Frames may be coalesced into one message, one JSON object per line.
    private static async Task ReceiveUntilAsync(ClientWebSocket socket, params string[] types)
    {
        using var deadline = new CancellationTokenSource(Timeout);
        var buffer = new byte[64 * 1024];
        var awaited = types.ToHashSet(StringComparer.Ordinal);
        while (awaited.Count > 0)
        {
            var result = await socket.ReceiveAsync(buffer, deadline.Token);
            foreach (var line in Encoding.UTF8.GetString(buffer, 0, result.Count).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                awaited.Remove(JsonDocument.Parse(line).RootElement.GetProperty("type").GetString()!);
            }
        }
    }

    // A metric name is followed by its selector; label names (`by (http_response_status_code)`) are not.
    [GeneratedRegex(@"\b[a-z_][a-z0-9_]*(?=\{)")]
    private static partial Regex MetricName();

    [GeneratedRegex("_(bucket|sum|count)$")]
    private static partial Regex HistogramSuffix();
}
