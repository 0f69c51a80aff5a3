using System.Globalization;
using System.Text;

namespace CommunityStream.Capacity;

/// <summary>The markdown table docs/capacity.md shows; the calculator prints exactly this.</summary>
internal static class CapacityTable
{
    public static string Render(TrafficMix mix, CapacityPlan plan)
    {
        ArgumentNullException.ThrowIfNull(mix);
        ArgumentNullException.ThrowIfNull(plan);
        var rows = new List<(string What, string Figure)>
        {
            ("Concurrent users (each holds a chat socket)", N(plan.Users)),
            ("Viewers on WebRTC / on LL-HLS", $"{N(plan.WebRtcViewers)} / {N(plan.HlsViewers)}"),
            ("Live streams (publishers)", N(plan.Streams)),
            ("Chat messages posted per second (= journal writes per second)", F(plan.MessagesPerSecond, 0)),
            ("Chat deliveries per second", N(plan.DeliveriesPerSecond)),
            ("Cores: chat fan-out", F(plan.ChatCores, 1)),
            ("Cores: WebRTC viewers", F(plan.ViewerCores, 1)),
            ("Cores: publishers' ingest", F(plan.PublisherCores, 1)),
            ($"Cores: relays between nodes ({N(plan.RelayLinks)} links)", F(plan.RelayCores, 1)),
            ("Cores: LL-HLS packaging", F(plan.HlsCores, 1)),
            ("**Cores in all** (at the planning utilisation)", $"**{F(plan.TotalCores, 0)}**"),
            ("Memory: chat sockets / WebRTC sessions / nodes' base, GiB", $"{F(plan.ChatMemoryGiB, 1)} / {F(plan.MediaMemoryGiB, 1)} / {F(plan.BaseMemoryGiB, 1)}"),
            ("**Memory in all**, GiB", $"**{F(plan.TotalMemoryGiB, 1)}**"),
            ($"**Nodes** of {mix.CoresPerNode} cores, {F(mix.MemoryGiBPerNode, 0)} GiB and {F(mix.NicGbpsPerNode, 0)} Gbit/s, {mix.SpareNodes} spare", $"**{plan.Nodes}**"),
            ("WebRTC viewers per node (set `Media:MaxViewersPerNode` above it)", N(plan.ViewersPerNode)),
            ("Egress to WebRTC viewers, Gbit/s", F(plan.ViewerEgressGbps, 1)),
            ("Egress of chat, Gbit/s", F(plan.ChatEgressGbps, 1)),
            ("Traffic between nodes (relays), Gbit/s", F(plan.RelayGbps, 1)),
            ("Egress to the CDN's origin pulls, Gbit/s", F(plan.CdnOriginGbps, 2)),
            ("**Egress from our nodes in all**, Gbit/s", $"**{F(plan.TotalEgressGbps, 1)}**"),
            ("PostgreSQL journal: writes per second over the measured 980/s", $"{F(plan.JournalLoad * 100, 0)} %"),
        };
        var text = new StringBuilder();
        text.Append("| What | Figure |\n|---|---|\n");
        foreach (var (what, figure) in rows)
        {
            text.Append(CultureInfo.InvariantCulture, $"| {what} | {figure} |\n");
        }
        return text.ToString();
    }

    private static string N(double value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string F(double value, int decimals) => value.ToString("N" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
