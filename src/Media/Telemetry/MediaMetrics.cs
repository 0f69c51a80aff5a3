using System.Diagnostics;
using System.Diagnostics.Metrics;
using CommunityStream.Media.Sessions;
using CommunityStream.WebRtc;

namespace CommunityStream.Media.Telemetry;

/// <summary>
/// The media module's instruments on its <see cref="MediaModule.MeterName"/> meter (docs/operations.md, "Metrics and
/// traces"). Almost all are observable: they read the counters the transports, the endpoint, the DTLS handshaker and
/// <see cref="MediaCounters"/> already keep, so the packet path does no more work than before. The one instrument
/// recorded as it happens is the forwarding-delay histogram, once per fan-out pass (not per packet).
/// </summary>
internal sealed class MediaMetrics : IDisposable
{
    // The transport sums are read by five instruments in one collection: computed once for all of them.
    private static readonly TimeSpan TotalsReuse = TimeSpan.FromMilliseconds(200);

    private readonly Meter _meter;
    private readonly MediaSessions _sessions;
    private readonly MediaServer _server;
    private readonly Lock _totalsGate = new();
    private TransportTotals.Totals _totals;
    private long _totalsAt;

    public MediaMetrics(IMeterFactory meters, MediaSessions sessions, MediaServer server, Hls.HlsChannels hls)
    {
        _sessions = sessions;
        _server = server;
        _meter = meters.Create(MediaModule.MeterName);
        ForwardingDelay = _meter.CreateHistogram<double>("communitystream.media.forwarding.delay", "s",
            "Per fan-out pass, the oldest packet's time from decryption (or relay arrival) until the pass handed its last viewer copy to the kernel; on publisher and relay nodes.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5] });
        _meter.CreateObservableUpDownCounter("communitystream.media.sessions", Sessions, "{session}", "WHIP (publisher) and WHEP (viewer) sessions held on this node, by kind.");
        _meter.CreateObservableGauge("communitystream.media.stream.viewers", Viewers, "{viewer}", "Viewers on this node per live stream (channel; relayed = the publisher is on another node).");
        _meter.CreateObservableCounter("communitystream.media.packets.received", () => Totals().PacketsReceived, "{packet}", "RTP packets that authenticated (from publishers).");
        _meter.CreateObservableCounter("communitystream.media.received.bytes", () => Totals().BytesReceived, "By", "Bytes of authenticated SRTP/SRTCP datagrams received.");
        _meter.CreateObservableCounter("communitystream.media.packets.sent", () => Totals().PacketsSent, "{packet}", "RTP and RTCP packets protected and sent to peers (viewer copies, retransmissions, reports, PLIs).");
        _meter.CreateObservableCounter("communitystream.media.sent.bytes", () => Totals().BytesSent, "By", "Bytes of the protected packets sent.");
        _meter.CreateObservableCounter("communitystream.media.srtp.auth_failures", () => Totals().Rejected, "{packet}", "SRTP/SRTCP packets that failed authentication (forged, replayed, too old) on a session's transport.");
        _meter.CreateObservableCounter("communitystream.media.nacks.received", () => sessions.Counters.NacksReceived, "{nack}", "Generic NACKs received from viewers (answered from the retransmission buffer).");
        _meter.CreateObservableCounter("communitystream.media.keyframe_requests.received", () => sessions.Counters.KeyframeRequestsReceived, "{request}", "PLIs and FIRs received from viewers.");
        _meter.CreateObservableCounter("communitystream.media.plis.sent", () => sessions.Counters.PictureLossIndicationsSent, "{pli}", "PLIs sent to publishers, after aggregation.");
        _meter.CreateObservableCounter("communitystream.media.dtls.handshakes", Handshakes, "{handshake}", "DTLS handshakes finished, by result (completed, failed).");
        _meter.CreateObservableCounter("communitystream.media.datagrams.dropped", () => server.IsStarted ? server.Endpoint.Dropped : 0, "{datagram}", "Datagrams at the media socket that no session claimed (unknown ufrag or address, unparseable).");
        _meter.CreateObservableCounter("communitystream.media.parse_failures", ParseFailures, "{datagram}", "Datagrams the WebRTC parsers rejected, by protocol (stun, rtp, rtcp); process-wide.");
        _meter.CreateObservableCounter("communitystream.media.relays.served", () => sessions.Counters.RelaysServed, "{relay}", "Relay links this node opened to other nodes for streams published here.");
        var counters = hls.Counters;
        _meter.CreateObservableCounter("communitystream.media.hls.parts", () => counters.PartsProduced, "{part}", "LL-HLS parts the packagers on this node produced.");
        _meter.CreateObservableUpDownCounter("communitystream.media.hls.waiting", () => counters.Waiting, "{request}", "Blocking LL-HLS requests (playlist reloads, preload-hint parts) held now.");
        _meter.CreateObservableCounter("communitystream.media.hls.sent.bytes", () => counters.BytesServed, "By", "Body bytes of LL-HLS responses (playlists, init segments, segments, parts).");
        _meter.CreateObservableCounter("communitystream.media.hls.requests", () => HlsRequests(counters), "{request}", "LL-HLS responses by kind (playlist, blocking_playlist, init, segment, part); 304s included.");
        _meter.CreateObservableCounter("communitystream.media.hls.parts.dropped", () => counters.PartsDropped, "{part}", "Parts dropped for exceeding Media:Hls:MaxPartBytes, with the parts after them until a keyframe.");
        _meter.CreateObservableCounter("communitystream.media.hls.waits.refused", () => counters.WaitsRefused, "{request}", "Blocking requests refused (503) because the node's or channel's cap of held requests was reached.");
        _meter.CreateObservableCounter("communitystream.media.hls.packets.dropped", () => counters.PacketsDropped, "{packet}", "Packets the HLS feeds dropped because their packager fell behind (it then waits for an IDR).");
        _meter.CreateObservableCounter("communitystream.media.hls.mirrors", () => counters.MirrorsOpened, "{subscription}", "Subscriptions this node opened to another node's LL-HLS window (one per channel while it has players).");
    }

    private static IEnumerable<Measurement<long>> HlsRequests(Hls.HlsCounters counters) =>
    [
        new(counters.Requests(Hls.HlsRequestKind.Playlist), new KeyValuePair<string, object?>("kind", "playlist")),
        new(counters.Requests(Hls.HlsRequestKind.BlockingPlaylist), new KeyValuePair<string, object?>("kind", "blocking_playlist")),
        new(counters.Requests(Hls.HlsRequestKind.Init), new KeyValuePair<string, object?>("kind", "init")),
        new(counters.Requests(Hls.HlsRequestKind.Segment), new KeyValuePair<string, object?>("kind", "segment")),
        new(counters.Requests(Hls.HlsRequestKind.Part), new KeyValuePair<string, object?>("kind", "part")),
    ];

    /// <summary>Recorded by the fan-out once per pass.</summary>
    public Histogram<double> ForwardingDelay { get; }

    public void Dispose() => _meter.Dispose();

    private TransportTotals.Totals Totals()
    {
        lock (_totalsGate)
        {
            if (_totalsAt == 0 || Stopwatch.GetElapsedTime(_totalsAt) > TotalsReuse)
            {
                _totals = _server.Transports.Read();
                _totalsAt = Stopwatch.GetTimestamp();
            }
            return _totals;
        }
    }

    private IEnumerable<Measurement<int>> Sessions()
    {
        int publishers = 0, viewers = 0;
        foreach (var session in _sessions.All())
        {
            if (session.Publisher)
            {
                publishers++;
            }
            else
            {
                viewers++;
            }
        }
        return [new(publishers, new KeyValuePair<string, object?>("kind", "whip")), new(viewers, new KeyValuePair<string, object?>("kind", "whep"))];
    }

    private IEnumerable<Measurement<int>> Viewers() =>
        _sessions.Feeds().Select(feed => new Measurement<int>(feed.Fanout.ViewerCount,
            new KeyValuePair<string, object?>("channel", feed.Channel), new KeyValuePair<string, object?>("relayed", feed.Relayed ? "true" : "false")));

    private IEnumerable<Measurement<long>> Handshakes() => _server.Handshaker is { } handshaker
        ? [new(handshaker.Completed, new KeyValuePair<string, object?>("result", "completed")), new(handshaker.Failed, new KeyValuePair<string, object?>("result", "failed"))]
        : [];

    private static IEnumerable<Measurement<long>> ParseFailures() =>
    [
        new(ParseFailureCounters.Stun, new KeyValuePair<string, object?>("protocol", "stun")),
        new(ParseFailureCounters.Rtp, new KeyValuePair<string, object?>("protocol", "rtp")),
        new(ParseFailureCounters.Rtcp, new KeyValuePair<string, object?>("protocol", "rtcp")),
    ];
}
