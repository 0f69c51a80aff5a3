using CommunityStream.Media.Hls;
using CommunityStream.Media.Streams;
using Microsoft.Extensions.DependencyInjection;

namespace CommunityStream.Media.Tests.Hls;

/// <summary>
/// One real node (HTTP on loopback) whose HLS channels the tests put in place themselves, with synthetic parts: the
/// channel's window registered as if a publisher here were packaged, and the stream listed live in the node's directory.
/// </summary>
public sealed class HlsNodeFixture : IAsyncLifetime
{
    public const string PlayerOrigin = "http://player.example";

    /// <summary>Short segments (TARGETDURATION 1 s), so a blocking request times out after 3 s.</summary>
    internal static readonly HlsWindowSettings Fast = new(TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10));

    public InProcessNode Node { get; private set; } = null!;

    /// <summary>Blocking requests one channel may hold on the fixture's node (small, so the cap can be tested).</summary>
    public const int HeldPerChannel = 2;

    public async Task InitializeAsync() => Node = await InProcessNode.StartAsync(
        "--Media:CorsOrigins:0", PlayerOrigin, "--Media:Hls:MaxHeldRequestsPerChannel", HeldPerChannel.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public async Task DisposeAsync() => await Node.DisposeAsync();

    internal HlsChannels Channels => Node.App.Services.GetRequiredService<HlsChannels>();

    internal HlsAccess Access => Node.App.Services.GetRequiredService<HlsAccess>();

    /// <summary>A live channel packaged on this fixture's node, with its init segment and no parts yet.</summary>
    internal (HlsChannelWindow Window, SyntheticParts Parts) Live(string channel, bool isPrivate = false) => LiveOn(Node, channel, isPrivate);

    /// <summary>A live channel packaged on <paramref name="node"/>, with its init segment and no parts yet.</summary>
    internal static (HlsChannelWindow Window, SyntheticParts Parts) LiveOn(InProcessNode node, string channel, bool isPrivate = false)
    {
        var window = new HlsChannelWindow(channel, "ep" + channel, Fast);
        window.InitSegment(SyntheticParts.Init(1));
        node.App.Services.GetRequiredService<HlsChannels>().Set(new HlsChannel(channel, window, mirrored: false));
        List(node, channel, isPrivate, node.Cluster.SelfAddress.ToString());
        return (window, new SyntheticParts(window, TimeSpan.FromMilliseconds(200)));
    }

    internal static void List(InProcessNode node, string channel, bool isPrivate, string publisherNode) =>
        node.App.Services.GetRequiredService<StreamDirectory>().Update(
            new StreamSummary(channel, "", true, isPrivate, DateTimeOffset.UtcNow, 0, publisherNode, StreamQuality.None), DateTimeOffset.UtcNow);
}
