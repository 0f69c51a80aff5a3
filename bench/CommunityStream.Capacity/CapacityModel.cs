namespace CommunityStream.Capacity;

/// <summary>
/// Turns a <see cref="TrafficMix"/> into a <see cref="CapacityPlan"/> with the <see cref="UnitFigures"/>. Pure
/// arithmetic; the one loop finds the node count, on which the number of relay links depends.
/// </summary>
internal static class CapacityModel
{
    private const double GiB = 1024.0 * 1024 * 1024;

    public static CapacityPlan Plan(TrafficMix mix)
    {
        ArgumentNullException.ThrowIfNull(mix);
        var bigUsers = (int)Math.Round(mix.Users * mix.BigShare);
        var smallUsers = mix.Users - bigUsers;
        var smallChannels = (int)Math.Ceiling(smallUsers / (double)mix.SmallRoomSize);
        var hlsViewers = (int)Math.Round(bigUsers * mix.HlsShare);
        var smallViewers = (int)Math.Round(smallUsers * mix.SmallVideoShare);
        var webRtcViewers = bigUsers - hlsViewers + smallViewers;
        var streams = mix.BigChannels + smallChannels;
        var bigRoomSize = bigUsers / (double)mix.BigChannels;

        // Every online user holds one chat socket; a message is delivered to every member of its room.
        var messages = (mix.BigChannels * mix.BigChatRate) + (smallChannels * mix.SmallChatRate);
        var deliveries = (mix.BigChannels * mix.BigChatRate * bigRoomSize) + (smallChannels * mix.SmallChatRate * mix.SmallRoomSize);
        var chatCores = deliveries / UnitFigures.ChatDeliveriesPerCoreSecond / UnitFigures.ChatCoreUtilisation;

        var packetsPerSecond = UnitFigures.PacketsPerSecondAt2500Kbps * mix.StreamKbps / 2_500;
        var coresPerViewer = packetsPerSecond * UnitFigures.MicrosecondsPerViewerCopy / 1e6 / UnitFigures.MediaCoreUtilisation;
        var viewerCores = webRtcViewers * coresPerViewer;
        var publisherCores = streams * UnitFigures.PublisherCostInViewerCopies * coresPerViewer;
        var hlsStreams = hlsViewers > 0 ? mix.BigChannels : 0;
        var hlsCores = hlsStreams * UnitFigures.CoresPerHlsPackagedStream;

        var chatMemory = mix.Users * UnitFigures.ChatBytesPerSocket / GiB;
        var mediaMemory = (webRtcViewers + streams) * UnitFigures.MediaBytesPerSession / GiB;

        // Relays depend on how many nodes the viewers spread over, and the node count on the relays' cores.
        var bitsPerViewer = mix.StreamKbps * 1_000 * (1 + (UnitFigures.MediaOverheadBytesPerPacket * packetsPerSecond * 8 / (mix.StreamKbps * 1_000)));
        var viewerEgress = webRtcViewers * bitsPerViewer / 1e9;
        var chatEgress = deliveries * UnitFigures.ChatBytesPerDelivery * 8 / 1e9;
        var originGbps = hlsStreams * mix.CdnOriginPulls * mix.StreamKbps * 1_000 / 1e9;

        var nodes = 1;
        int relayLinks = 0;
        double relayCores = 0, totalCores = 0, totalMemory = 0, relayGbps = 0;
        for (var round = 0; round < 100; round++)
        {
            relayLinks = RelayLinks(mix, nodes, bigUsers - hlsViewers, smallChannels, mix.SmallRoomSize * mix.SmallVideoShare);
            relayCores = relayLinks * UnitFigures.CoresPerRelayLink;
            relayGbps = relayLinks * mix.StreamKbps * 1_000 / 1e9;
            var egress = viewerEgress + chatEgress + relayGbps + originGbps;
            totalCores = chatCores + viewerCores + publisherCores + relayCores + hlsCores;
            totalMemory = chatMemory + mediaMemory + (nodes * UnitFigures.BaseBytesPerNode / GiB);
            var needed = Math.Max(1, Math.Max(
                Math.Max((int)Math.Ceiling(totalCores / mix.CoresPerNode), (int)Math.Ceiling(totalMemory / mix.MemoryGiBPerNode)),
                (int)Math.Ceiling(egress / (mix.NicGbpsPerNode * UnitFigures.NicUtilisation)))) + mix.SpareNodes;
            if (needed == nodes)
            {
                break;
            }
            nodes = needed;
        }

        var activeNodes = nodes - mix.SpareNodes;

        return new CapacityPlan(
            mix.Users, webRtcViewers, hlsViewers, streams, messages, deliveries,
            chatCores, viewerCores, publisherCores, relayLinks, relayCores, hlsCores, totalCores,
            chatMemory, mediaMemory, nodes * UnitFigures.BaseBytesPerNode / GiB, totalMemory,
            nodes, (int)Math.Ceiling(webRtcViewers / (double)Math.Max(1, activeNodes)),
            viewerEgress, chatEgress, relayGbps, originGbps, viewerEgress + chatEgress + relayGbps + originGbps,
            messages / UnitFigures.PostgresJournalWritesPerSecond);
    }

    /// <summary>
    /// One relay link per stream and per node that has its viewers but not its publisher. Viewers land on nodes at
    /// random (a load balancer without channel affinity): a node among <paramref name="nodes"/> holds none of a
    /// stream's v viewers with probability (1 - 1/n)^v, so (n - 1)(1 - (1 - 1/n)^v) other nodes need a link.
    /// </summary>
    private static int RelayLinks(TrafficMix mix, int nodes, int bigWebRtcViewers, int smallChannels, double smallViewersPerChannel)
    {
        if (nodes <= 1)
        {
            return 0;
        }
        double Links(double viewers) => (nodes - 1) * (1 - Math.Pow(1 - (1.0 / nodes), viewers));
        var big = mix.BigChannels * Links(bigWebRtcViewers / (double)mix.BigChannels);
        var small = smallChannels * (1 - mix.ChannelAffinity) * Links(smallViewersPerChannel);
        return (int)Math.Round(big + small);
    }
}
