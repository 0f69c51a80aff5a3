using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CommunityStream.Media;
using Microsoft.Extensions.DependencyInjection;

namespace CommunityStream.EndToEnd.Tests.Live;

/// <summary>
/// The container settings in SDP, without a browser: a node bound to 0.0.0.0 answers WHIP and WHEP with host
/// candidates at exactly its announced addresses (a public and a LAN one) on its UDP port, never at the bind address.
/// </summary>
public sealed class AnnouncedAddressSignallingTests
{
    [Fact]
    public async Task Should_write_the_announced_addresses_as_the_only_candidates_of_WHIP_and_WHEP_answers()
    {
        await using var node = await InProcessNode.StartAsync(
            "--Media:BindAddress", "0.0.0.0", "--Media:AnnouncedAddresses:0", "203.0.113.7", "--Media:AnnouncedAddresses:1", "192.168.1.7");
        var admin = await node.CreateAdminAsync("admin");
        var streamer = await Streamer.CreateAsync(node, admin, "announcer");
        var port = node.App.Services.GetRequiredService<MediaDiagnostics>().UdpPort.ToString(CultureInfo.InvariantCulture);

        var publish = await AnswerAsync(node, $"/whip/{streamer.Channel}", ChromeOffers.Publish, streamer.StreamKey);
        var watch = await AnswerAsync(node, $"/whep/{streamer.Channel}", ChromeOffers.Watch, null);

        foreach (var answer in new[] { publish, watch })
        {
            // a=candidate:<foundation> <component> udp <priority> <address> <port> typ host (RFC 8839 §5.1)
            var candidates = answer.Split("\r\n").Where(l => l.StartsWith("a=candidate:", StringComparison.Ordinal))
                .Select(l => l.Split(' ')).Select(f => $"{f[4]} {f[5]} {f[7]}").Distinct().Order(StringComparer.Ordinal);
            Assert.Equal(["192.168.1.7 " + port + " host", "203.0.113.7 " + port + " host"], candidates);
        }
    }

    private static async Task<string> AnswerAsync(InProcessNode node, string path, string offer, string? bearer)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(offer, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/sdp");
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }
        using var response = await node.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{path}: {(int)response.StatusCode} {body}");
        return body;
    }
}
