using System.Text.RegularExpressions;
using CommunityStream.EndToEnd.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace CommunityStream.EndToEnd.Tests.Live;

/// <summary>
/// The container settings carry video to another network: the Host binds its media socket to 0.0.0.0 and announces
/// the host-side address of a veth pair (as compose announces the host's address), and a Chromium publisher and viewer
/// in their own network namespace reach it only through that pair, never over 127.0.0.1. WHIP in, WHEP out, frames
/// decoded, and both peers' selected ICE candidate pairs run between the veth addresses.
/// </summary>
// In the browser collection so it does not share the two cores with the other Chromium tests' pages.
[Collection(ChromiumTests.Name)]
public sealed class AnotherNetworkMediaTests
{
    /// <summary>The selected candidate pair of <c>window[name]</c>: [local address, remote address, remote port, state].</summary>
    private const string SelectedPair = """
        async (name) => {
          const stats = await window[name].getStats();
          let pair = null;
          stats.forEach(r => { if (r.type === 'transport' && r.selectedCandidatePairId) pair = stats.get(r.selectedCandidatePairId); });
          if (!pair) return [];
          const local = stats.get(pair.localCandidateId), remote = stats.get(pair.remoteCandidateId);
          return [local.address ?? local.ip, remote.address ?? remote.ip, String(remote.port), pair.state];
        }
        """;

    [SkippableFact]
    public async Task Should_carry_WHIP_to_WHEP_between_a_wildcard_bound_host_and_browsers_on_another_network()
    {
        var unavailable = NetworkNamespace.Unavailable()
            ?? (File.Exists(ChromiumFixture.ExecutablePath) ? null : $"{ChromiumFixture.ExecutablePath} is not installed");
        if (unavailable is not null && Environment.GetEnvironmentVariable("CS_TEST_REQUIRE_BROWSER") == "1")
        {
            Assert.Fail(unavailable);
        }
        Skip.If(unavailable is not null, unavailable);

        await using var network = await NetworkNamespace.CreateAsync();
        var hostAddress = network.HostAddress.ToString();
        // The compose file's media settings, with the veth address standing in for the host's public one.
        await using var node = await InProcessNode.StartAsync(
            "--Http:Url", $"http://{hostAddress}:0",
            "--Media:BindAddress", "0.0.0.0",
            "--Media:AnnouncedAddresses:0", hostAddress);
        Assert.Equal(hostAddress, node.BaseAddress.Host);
        var admin = await node.CreateAdminAsync("admin");
        var streamer = await Streamer.CreateAsync(node, admin, "farcaster");
        var origin = node.BaseAddress.GetLeftPart(UriPartial.Authority);

        using var scripts = new TempDirectory();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            // Playwright talks to Chromium over inherited pipes, which `ip netns exec` passes on.
            ExecutablePath = network.WrapperScript(ChromiumFixture.ExecutablePath, scripts.Path),
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                "--disable-features=WebRtcHideLocalIpsWithMdns",
                // http://10.x is not a secure context; getUserMedia needs one.
                $"--unsafely-treat-insecure-origin-as-secure={origin}",
            ],
        });
        // Pages on the Host's own origin: same-origin fetch() for WHIP/WHEP.
        var publisher = await browser.NewPageAsync();
        await publisher.GotoAsync(new Uri(node.BaseAddress, "/healthz/live").ToString());
        var viewer = await browser.NewPageAsync();
        await viewer.GotoAsync(new Uri(node.BaseAddress, "/healthz/live").ToString());

        var published = await publisher.EvaluateAsync<string[]>(WhipWhepScripts.Publish,
            new { url = new Uri(node.BaseAddress, $"/whip/{streamer.Channel}").ToString(), key = streamer.StreamKey, codec = "VP8" });
        Assert.True(published[0] == "201", string.Join(" ", published));
        var watching = await viewer.EvaluateAsync<string[]>(WhipWhepScripts.Watch, new Uri(node.BaseAddress, $"/whep/{streamer.Channel}").ToString());
        Assert.True(watching[0] == "201", string.Join(" ", watching));

        var first = await Eventually.Until(() => viewer.EvaluateAsync<long[]>(ViewerScript.Stats), s => s[0] >= 10, TimeSpan.FromSeconds(30),
            "the viewer in the namespace to decode 10 frames [framesDecoded, audioPackets, width]");
        await Eventually.Until(() => viewer.EvaluateAsync<long[]>(ViewerScript.Stats), s => s[0] >= first[0] + 30 && s[1] > 0, TimeSpan.FromSeconds(20),
            "decoded frames to keep growing, and audio to arrive");

        var udpPort = node.App.Services.GetRequiredService<CommunityStream.Media.MediaDiagnostics>().UdpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (page, connection) in new[] { (publisher, "pc"), (viewer, "viewer") })
        {
            var pair = await Eventually.Until(() => page.EvaluateAsync<string[]>(SelectedPair, connection), p => p.Length == 4 && p[3] == "succeeded",
                TimeSpan.FromSeconds(10), $"the {connection} connection's selected candidate pair");
            Assert.Equal([network.NamespaceAddress.ToString(), hostAddress, udpPort], pair[..3]);
            // The answer offered nothing else: no 0.0.0.0, no loopback.
            var answer = await page.EvaluateAsync<string>($"() => {connection}.remoteDescription.sdp");
            Assert.All(answer.Split("\r\n").Where(l => l.StartsWith("a=candidate:", StringComparison.Ordinal)),
                line => Assert.Matches($@" udp \d+ {Regex.Escape(hostAddress)} {udpPort} typ host( |$)", line));
        }
    }
}
