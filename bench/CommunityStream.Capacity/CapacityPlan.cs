namespace CommunityStream.Capacity;

/// <summary>What a <see cref="TrafficMix"/> needs: the rows of docs/capacity.md's table.</summary>
internal sealed record CapacityPlan(
    int Users,
    int WebRtcViewers,
    int HlsViewers,
    int Streams,
    double MessagesPerSecond,
    double DeliveriesPerSecond,
    double ChatCores,
    double ViewerCores,
    double PublisherCores,
    int RelayLinks,
    double RelayCores,
    double HlsCores,
    double TotalCores,
    double ChatMemoryGiB,
    double MediaMemoryGiB,
    double BaseMemoryGiB,
    double TotalMemoryGiB,
    int Nodes,
    int ViewersPerNode,
    double ViewerEgressGbps,
    double ChatEgressGbps,
    double RelayGbps,
    double CdnOriginGbps,
    double TotalEgressGbps,
    double JournalLoad);
