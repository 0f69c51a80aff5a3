using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CommunityStream.Cli.Tests.Support;

namespace CommunityStream.Cli.Tests;

/// <summary>csctl's rooms, streams and users palettes against the two-node cluster (the modules' admin endpoints).</summary>
[Collection(TwoNodeClusterGroup.Name)]
public sealed class AdminOperationsTests(TwoNodeCluster cluster)
{
    private static readonly TimeSpan StreamTimeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Should_moderate_a_room_and_read_it_back()
    {
        var room = "r_" + Guid.NewGuid().ToString("N")[..10];
        await cluster.First.CreateRoomAsync(cluster.AdminToken, room);

        var list = await CliRun.AgainstAsync(cluster.Second, cluster.AdminToken, "rooms", "list");
        var slow = await CliRun.AgainstAsync(cluster.Second, cluster.AdminToken, "rooms", "slow", room, "7");
        var ban = await CliRun.AgainstAsync(cluster.Second, cluster.AdminToken, "rooms", "ban", room, "viewer1");
        var close = await CliRun.AgainstAsync(cluster.First, cluster.AdminToken, "rooms", "close", room, "--reason", "maintenance");
        var show = await CliRun.AgainstAsync(cluster.First, cluster.AdminToken, "rooms", "show", room, "--output", "json");
        var history = await CliRun.AgainstAsync(cluster.First, cluster.AdminToken, "rooms", "history", room);
        var missing = await CliRun.AgainstAsync(cluster.First, cluster.AdminToken, "rooms", "show", "r_nosuchroom");

        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains(room, list.Output, StringComparison.Ordinal);
        Assert.True(slow.ExitCode == 0, slow.ToString());
        Assert.True(ban.ExitCode == 0, ban.ToString());
        Assert.Contains("viewer1", ban.Output, StringComparison.Ordinal);
        Assert.True(close.ExitCode == 0, close.ToString());
        Assert.True(show.ExitCode == 0, show.ToString());
        using var view = JsonDocument.Parse(show.Output);
        Assert.True(view.RootElement.GetProperty("closed").GetBoolean());
        Assert.Equal(7, view.RootElement.GetProperty("settings").GetProperty("slowSeconds").GetInt32());
        Assert.Contains("viewer1", view.RootElement.GetProperty("banned").GetRawText(), StringComparison.Ordinal);
        Assert.True(history.ExitCode == 0, history.ToString());
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("404", missing.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_list_grant_disable_and_enable_a_user()
    {
        var name = "u_" + Guid.NewGuid().ToString("N")[..10];
        await cluster.First.RegisterAsync(name);

        var list = await CliRun.AgainstAsync(cluster.First, cluster.AdminToken, "users", "list", "--query", name);
        var roles = await CliRun.AgainstAsync(cluster.Second, cluster.AdminToken, "users", "roles", "set", name, "viewer", "streamer", "--output", "json");
        var disable = await CliRun.AgainstAsync(cluster.Second, cluster.AdminToken, "users", "disable", name);
        using var refused = await LoginAsync(name);
        var enable = await CliRun.AgainstAsync(cluster.First, cluster.AdminToken, "users", "enable", name);
        using var accepted = await LoginAsync(name);
        var revoke = await CliRun.AgainstAsync(cluster.First, cluster.AdminToken, "users", "sessions", "revoke", name);
        var show = await CliRun.AgainstAsync(cluster.First, cluster.AdminToken, "users", "show", name);

        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains(name, list.Output, StringComparison.Ordinal);
        Assert.Contains("1 of 1", list.Output, StringComparison.Ordinal);
        Assert.True(roles.ExitCode == 0, roles.ToString());
        using var granted = JsonDocument.Parse(roles.Output);
        Assert.Contains("streamer", granted.RootElement.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.True(disable.ExitCode == 0, disable.ToString());
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.True(enable.ExitCode == 0, enable.ToString());
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.True(revoke.ExitCode == 0, revoke.ToString());
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Matches(@"Sessions revoked:\s+\d{4}-", show.Output);
    }

    [Fact]
    public async Task Should_end_a_stream_published_on_the_other_node()
    {
        var channel = await PublishAsync(cluster.Second);

        var listed = await Eventually.Until(
            () => CliRun.AgainstAsync(cluster.First, cluster.AdminToken, "streams", "list"),
            run => run.ExitCode == 0 && run.Output.Contains(channel, StringComparison.Ordinal),
            StreamTimeout,
            "csctl streams list to show the new stream");
        var show = await CliRun.AgainstAsync(cluster.First, cluster.AdminToken, "streams", "show", channel, "--output", "json");
        var end = await CliRun.AgainstAsync(cluster.First, cluster.AdminToken, "streams", "end", channel);
        await Eventually.Until(
            () => CliRun.AgainstAsync(cluster.First, cluster.AdminToken, "streams", "show", channel, "--output", "json"),
            run => run.ExitCode == 0 && !Live(run.Output),
            StreamTimeout,
            "the stream to be ended");
        var again = await CliRun.AgainstAsync(cluster.First, cluster.AdminToken, "streams", "end", channel);

        Assert.Contains(channel, listed.Output, StringComparison.Ordinal);
        Assert.True(Live(show.Output), show.ToString());
        Assert.True(end.ExitCode == 0, end.ToString());
        Assert.Contains("ended", end.Output, StringComparison.Ordinal);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("409", again.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_end_the_live_stream_of_a_streamer_disabled_through_csctl()
    {
        var channel = await PublishAsync(cluster.First);
        await Eventually.Until(
            () => CliRun.AgainstAsync(cluster.Second, cluster.AdminToken, "streams", "show", channel, "--output", "json"),
            run => run.ExitCode == 0 && Live(run.Output),
            StreamTimeout,
            "the stream to be live");

        var disable = await CliRun.AgainstAsync(cluster.Second, cluster.AdminToken, "users", "disable", channel);
        await Eventually.Until(
            () => CliRun.AgainstAsync(cluster.Second, cluster.AdminToken, "streams", "show", channel, "--output", "json"),
            run => run.ExitCode == 0 && !Live(run.Output),
            StreamTimeout,
            "the disabled streamer's stream to end");

        Assert.True(disable.ExitCode == 0, disable.ToString());
    }

    private static bool Live(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("live").GetBoolean();
    }

    private async Task<HttpResponseMessage> LoginAsync(string name) =>
        await cluster.First.Http.PostAsJsonAsync("/api/auth/login", new { login = name, password = InProcessNode.Password });

    /// <summary>A new streamer publishes on <paramref name="node"/> with a browser's offer (signalling only; no media needed to be live).</summary>
    private async Task<string> PublishAsync(InProcessNode node)
    {
        var channel = "s_" + Guid.NewGuid().ToString("N")[..10];
        await node.RegisterAsync(channel, cluster.AdminToken, "viewer", "streamer");
        var token = await node.LoginAsync(channel);
        using var keyRequest = new HttpRequestMessage(HttpMethod.Post, "/api/me/stream-key");
        keyRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var keyResponse = await node.Http.SendAsync(keyRequest);
        var key = (await keyResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("streamKey").GetString()!;
        using var publish = new HttpRequestMessage(HttpMethod.Post, $"/whip/{channel}") { Content = new StringContent(ChromeOffers.Publish, Encoding.UTF8) };
        publish.Content.Headers.ContentType = new MediaTypeHeaderValue("application/sdp");
        publish.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var published = await node.Http.SendAsync(publish);
        Assert.Equal(HttpStatusCode.Created, published.StatusCode);
        return channel;
    }
}
