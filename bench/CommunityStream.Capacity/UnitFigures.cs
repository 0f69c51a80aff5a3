namespace CommunityStream.Capacity;

/// <summary>
/// The per-unit figures every capacity estimate rests on, in one place. Each says where it comes from: "measured"
/// figures are rows of bench/README.md (2-core VM, loopback); "estimate" figures are not measured anywhere yet and
/// say what they are based on. docs/capacity.md lists the same figures and refers here.
/// </summary>
internal static class UnitFigures
{
    /// <summary>
    /// Measured: chat deliveries (one message written to one socket) per second per core. bench/README.md "Chat
    /// figures", (a) 10,000 × 10 msg/s steady state: 100,050 deliveries/s at 86.5 CPU s per 100 s (115,665 per
    /// core); (a) 5,000: 50,000/s at 41.7–42.9 CPU s (about 118,000). Rounded down.
    /// </summary>
    public const double ChatDeliveriesPerCoreSecond = 115_000;

    /// <summary>Measured: memory per held chat socket, bench/README.md (c′): 100,002 idle over six Hosts, 9,936 B each.</summary>
    public const double ChatBytesPerSocket = 9_936;

    /// <summary>
    /// Estimate: bytes on the wire per chat delivery (WebSocket frame of a ~60-character message with author, offset and
    /// time as JSON, ~200 B, plus framing and a share of TCP/IP headers when deliveries share a send).
    /// </summary>
    public const double ChatBytesPerDelivery = 250;

    /// <summary>
    /// Measured: CPU per viewer copy of a media packet (rewrite, SRTP seal, sendmmsg), bench/README.md "Media figures",
    /// 1,000 viewers of a 2.5 Mbit/s stream: 0.985 s/s for 320,000 copies/s = 3.1 µs. On loopback the viewers'
    /// receive path runs on the server's core (28 % of its samples at 600 viewers), so a real network costs less.
    /// </summary>
    public const double MicrosecondsPerViewerCopy = 3.1;

    /// <summary>Measured with the figure above: a 2.5 Mbit/s stream is 320 packets per second (976 B average).</summary>
    public const double PacketsPerSecondAt2500Kbps = 320;

    /// <summary>Bytes a media packet gains on the wire: SRTP GCM tag 16, UDP 8, IPv4 20.</summary>
    public const double MediaOverheadBytesPerPacket = 44;

    /// <summary>
    /// Estimate: CPU of one publisher's ingest (SRTP open, parse, keyframe tracking, hand-off to the fan-out) as
    /// viewer copies; the receive side is not measured on its own. Two copies' worth per packet.
    /// </summary>
    public const double PublisherCostInViewerCopies = 2;

    /// <summary>
    /// Estimate: CPU of one relay link (one stream to one other node over Akka.Remote, a StreamRef of MediaPacket),
    /// both ends together, in cores. Not measured; based on ~10 µs per remoted message and end × 320 messages/s.
    /// </summary>
    public const double CoresPerRelayLink = 0.0064;

    /// <summary>
    /// Measured roughly: memory per WebRTC session. bench/run-media-smoke.sh, 15 s runs on a busy VM (load 18–22):
    /// the Host's peak RSS was 189 MiB with 50 viewers and 199 MiB with 300, about 41 KiB per added session; rounded
    /// up to 48 KiB because the GC heap's slack makes a peak-RSS slope rough (bench/README.md, "Capacity calculator").
    /// </summary>
    public const double MediaBytesPerSession = 48 * 1024;

    /// <summary>Measured: a Host's resident memory with no load, bench/README.md (c′): 988 MiB for six Hosts (165 MiB each), rounded up.</summary>
    public const double BaseBytesPerNode = 256.0 * 1024 * 1024;

    /// <summary>
    /// Measured, a lower bound: chat messages persisted per second on PostgreSQL 15 (fsync=on), bench/README.md (b) on
    /// PostgreSQL: about 980 of 1,000 offered messages/s acked (17,666 of 18,050) on a starved 2-core VM (load 17–22).
    /// The ceiling is not measured.
    /// </summary>
    public const double PostgresJournalWritesPerSecond = 980;

    /// <summary>
    /// Measured: planning share of a core for media. p99 forwarding delay stayed under 10 ms only with the Host at
    /// about half a core or less (bench/README.md "Media figures", known limits).
    /// </summary>
    public const double MediaCoreUtilisation = 0.5;

    /// <summary>
    /// Chat planning share of a core. Measured basis: at 72–82 % of the kernel's write ceiling, one 10,000-socket
    /// room's p99 rose to 221 ms (5,000: 72 ms); 60 % leaves room for bursts (a raid doubles a channel's rate).
    /// </summary>
    public const double ChatCoreUtilisation = 0.6;

    /// <summary>Assumption: planning share of a node's network interface (bursts, retransmissions, keyframe storms).</summary>
    public const double NicUtilisation = 0.7;

    /// <summary>
    /// Estimate: CPU to repackage one stream as LL-HLS (CMAF parts, no transcoding) at the origin. Not implemented in
    /// CommunityStream; based on a packager's remux of 320 packets/s, about a tenth of a core.
    /// </summary>
    public const double CoresPerHlsPackagedStream = 0.1;
}
