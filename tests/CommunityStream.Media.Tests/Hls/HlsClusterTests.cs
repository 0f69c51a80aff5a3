using System.Net;
using CommunityStream.Media.Hls;
using Microsoft.Extensions.DependencyInjection;

namespace CommunityStream.Media.Tests.Hls;

/// <summary>
/// Two nodes of one cluster on loopback (two ActorSystems, Akka.Remote between them): the channel is packaged on A,
/// its players ask B. B subscribes once to A's window and serves the same playlist, MSNs and bytes, including a part
/// larger than Akka.Remote's frame size, and ends with the stream.
/// </summary>
public sealed class HlsClusterTests
{
    [Fact]
    public async Task Should_serve_the_publisher_nodes_window_from_another_node_over_one_subscription()
    {
        using var data = new TempDirectory();
        await using var a = await InProcessNode.StartOnAsync(data);
        await using var b = await InProcessNode.StartOnAsync(data, "--Cluster:SeedNodes:0", a.Cluster.SelfAddress.ToString());
        await Eventually.True(() => a.UpMembers() == 2 && b.UpMembers() == 2, TimeSpan.FromSeconds(30), "a two-node cluster");

        var (window, parts) = HlsNodeFixture.LiveOn(a, "hlsrelayed");
        for (var i = 0; i < 10; i++)
        {
            parts.Gop(3);
        }
        // B hears of the stream as its directory would: live, published on A.
        HlsNodeFixture.List(b, "hlsrelayed", isPrivate: false, a.Cluster.SelfAddress.ToString());

        // Twenty players at once on B: one subscription to A.
        var first = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => b.Http.GetStringAsync("/hls/hlsrelayed/index.m3u8")));
        var fromA = await a.Http.GetStringAsync("/hls/hlsrelayed/index.m3u8");
        Assert.All(first, text => Assert.Equal(fromA, text));
        var counters = b.App.Services.GetRequiredService<HlsChannels>().Counters;
        Assert.Equal(1, counters.MirrorsOpened);

        // A blocking reload on B for the next part returns once A wrote it; a 300 KB part crosses in chunks.
        var next = HlsPlaylistRules.Parse(fromA).Segments[^1];
        var pending = b.Http.GetAsync($"/hls/hlsrelayed/index.m3u8?_HLS_msn={next.Msn}&_HLS_part={next.Parts.Count}");
        // Held on B before A writes the part: the answer proves the request blocked.
        await Eventually.True(() => counters.Waiting >= 1, TimeSpan.FromSeconds(20), "the blocking request held on node B");
        Assert.False(pending.IsCompleted);
        parts.Next(independent: false, length: 300_000);
        using (var reloaded = await pending.WaitAsync(TimeSpan.FromSeconds(20)))
        {
            Assert.Equal(HttpStatusCode.OK, reloaded.StatusCode);
            Assert.Equal(await a.Http.GetStringAsync("/hls/hlsrelayed/index.m3u8"), await reloaded.Content.ReadAsStringAsync());
        }
        var big = HlsNames.Part(window.Epoch, window.NextPartNumber - 1);
        Assert.Equal(await a.Http.GetByteArrayAsync($"/hls/hlsrelayed/{big}"), await b.Http.GetByteArrayAsync($"/hls/hlsrelayed/{big}"));
        var segment = HlsPlaylistRules.Parse(fromA).Segments[0].Uri;
        Assert.Equal(await a.Http.GetByteArrayAsync($"/hls/hlsrelayed/{segment}"), await b.Http.GetByteArrayAsync($"/hls/hlsrelayed/{segment}"));
        Assert.Equal(1, counters.MirrorsOpened);

        // B closes its mirror (as when idle): the stream is live, so no ENDLIST; a request held there is released
        // (503) and the next request subscribes again.
        var mirror = b.App.Services.GetRequiredService<HlsChannels>().Find("hlsrelayed")!;
        var preload = HlsNames.Part(window.Epoch, window.NextPartNumber);
        var heldOnB = b.Http.GetAsync($"/hls/hlsrelayed/{preload}");
        await Eventually.True(() => mirror.Waiting >= 1, TimeSpan.FromSeconds(20), "a preload-hint request held on node B");
        mirror.Close!();
        using (var released = await heldOnB.WaitAsync(TimeSpan.FromSeconds(20)))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, released.StatusCode);
        }
        Assert.False(mirror.Window!.Ended);
        Assert.True(mirror.Window.Abandoned);
        var again = await b.Http.GetStringAsync("/hls/hlsrelayed/index.m3u8");
        Assert.DoesNotContain("#EXT-X-ENDLIST", again, StringComparison.Ordinal);
        Assert.Equal(2, counters.MirrorsOpened);

        // The publisher leaves: B's playlist ends too.
        window.End();
        await Eventually.Until(() => b.Http.GetStringAsync("/hls/hlsrelayed/index.m3u8"), text => text.Contains("#EXT-X-ENDLIST", StringComparison.Ordinal),
            TimeSpan.FromSeconds(20), "the ENDLIST on node B");
    }

    [Fact]
    public async Task Should_say_on_another_node_why_a_channel_has_no_hls()
    {
        using var data = new TempDirectory();
        await using var a = await InProcessNode.StartOnAsync(data);
        await using var b = await InProcessNode.StartOnAsync(data, "--Cluster:SeedNodes:0", a.Cluster.SelfAddress.ToString());
        await Eventually.True(() => a.UpMembers() == 2 && b.UpMembers() == 2, TimeSpan.FromSeconds(30), "a two-node cluster");
        a.App.Services.GetRequiredService<HlsChannels>().Set(new HlsChannel("hlsvpeight", null, mirrored: false, "HLS needs H.264 video: VP8 publisher; H.264 needed."));
        HlsNodeFixture.List(b, "hlsvpeight", isPrivate: false, a.Cluster.SelfAddress.ToString());
        using var response = await b.Http.GetAsync("/hls/hlsvpeight/index.m3u8");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("VP8", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
