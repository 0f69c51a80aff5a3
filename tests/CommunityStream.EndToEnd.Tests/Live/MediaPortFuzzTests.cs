using System.Net;
using System.Net.Sockets;
using CommunityStream.EndToEnd.Tests.Support;
using CommunityStream.Media;
using Microsoft.Extensions.DependencyInjection;

namespace CommunityStream.EndToEnd.Tests.Live;

/// <summary>
/// Garbage at the media port while a stream is live: random and truncated datagrams shaped like STUN, DTLS, RTP
/// and RTCP (by first byte, RFC 7983) from another socket. The stream keeps flowing to its viewer and the
/// endpoint counts what it dropped.
/// </summary>
[Collection(ChromiumTests.Name)]
public sealed class MediaPortFuzzTests(ChromiumFixture chromium)
{
    [SkippableFact]
    public async Task Should_keep_a_live_stream_flowing_while_the_media_port_receives_garbage()
    {
        chromium.SkipIfUnavailable();
        await using var node = await InProcessNode.StartAsync("--Media:CorsOrigins:0", chromium.BlankPage.GetLeftPart(UriPartial.Authority));
        var streamer = await Streamer.CreateAsync(node, await node.CreateAdminAsync("admin"), "fuzzed");
        var media = node.App.Services.GetRequiredService<MediaDiagnostics>();
        using var metrics = new InstrumentReader(node.App.Services);
        long DatagramsDropped() => metrics.Count("communitystream.media.datagrams.dropped");
        var publisher = await chromium.NewPageAsync();
        var viewer = await chromium.NewPageAsync();
        try
        {
            var published = await publisher.EvaluateAsync<string[]>(WhipWhepScripts.Publish, new { url = new Uri(node.BaseAddress, "/whip/fuzzed").ToString(), key = streamer.StreamKey, codec = "VP8" });
            Assert.True(published[0] == "201", string.Join(" ", published));
            var watching = await viewer.EvaluateAsync<string[]>(WhipWhepScripts.Watch, new Uri(node.BaseAddress, "/whep/fuzzed").ToString());
            Assert.True(watching[0] == "201", string.Join(" ", watching));
            var before = await Eventually.Until(() => viewer.EvaluateAsync<long[]>(ViewerScript.Stats), s => s[0] >= 15, TimeSpan.FromSeconds(30), "the viewer decoding");
            var droppedBefore = DatagramsDropped();

            using var attacker = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            var target = new IPEndPoint(IPAddress.Loopback, media.UdpPort);
            var random = new Random(20261126);
            byte[] firstBytes = [0x00, 0x01, 0x16, 0x14, 0x80, 0x90, 0xC8, 0xC9, 0xCD, 0xCE, 0x41, 0xFF];
            for (var i = 0; i < 5_000; i++)
            {
                var datagram = new byte[random.Next(0, 1300)];
                random.NextBytes(datagram);
                if (datagram.Length > 0)
                {
                    datagram[0] = firstBytes[i % firstBytes.Length];
                }
                attacker.SendTo(datagram, target);
                if (i % 100 == 99)
                {
                    // Bursts the socket buffer can hold: a datagram the kernel drops is one the server never saw.
                    var sent = i + 1;
                    await Eventually.True(() => DatagramsDropped() - droppedBefore >= sent, TimeSpan.FromSeconds(10), $"the endpoint to count {sent} garbage datagrams as dropped");
                }
            }

            await Eventually.Until(() => viewer.EvaluateAsync<long[]>(ViewerScript.Stats), s => s[0] >= before[0] + 60 && s[1] >= before[1] + 50,
                TimeSpan.FromSeconds(30), "frames and audio to keep arriving after the garbage");
            Assert.Equal("connected", await viewer.EvaluateAsync<string>(WhipWhepScripts.ViewerState));
        }
        finally
        {
            await publisher.CloseAsync();
            await viewer.CloseAsync();
        }
    }
}
