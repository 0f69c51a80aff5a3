using System.Net.Sockets;
using Akka.Actor;
using Akka.Streams;
using CommunityStream.BuildingBlocks;
using CommunityStream.Media.Forwarding;
using CommunityStream.Media.Telemetry;
using CommunityStream.WebRtc.Dtls;
using CommunityStream.WebRtc.Sdp;
using CommunityStream.WebRtc.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CommunityStream.Media.Sessions;

/// <summary>
/// This node's media server: the one UDP socket every WebRTC peer shares, the node's DTLS certificate (its
/// fingerprint goes into every answer) and the handshake pool. Opened at start-up; stopping it closes every session
/// (each through its owner).
/// </summary>
internal sealed partial class MediaServer(IOptions<WebRtcTransportOptions> options, MediaSessions sessions, IServiceProvider services, ILogger<MediaServer> logger) : IHostedService, IDisposable
{
    private readonly WebRtcTransportOptions _options = options.Value;
    private WebRtcEndpoint? _endpoint;
    private DtlsCertificate? _certificate;
    private DtlsHandshaker? _handshaker;
    private IMaterializer? _materializer;

    public WebRtcEndpoint Endpoint => _endpoint ?? throw new InvalidOperationException("The media server has not started.");

    public bool IsStarted => _endpoint is not null;

    /// <summary>The DTLS handshake pool, once started (the meter reads its counts).</summary>
    public DtlsHandshaker? Handshaker => _handshaker;

    /// <summary>Every transport this server made, for the meter's node totals.</summary>
    public TransportTotals Transports { get; } = new();

    /// <summary>Materializes the media graphs on the node's ActorSystem.</summary>
    public IMaterializer Materializer => _materializer ??= services.GetRequiredService<ActorSystem>().Materializer(namePrefix: "media");

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _certificate = DtlsCertificate.Generate(TimeSpan.FromDays(30));
        _handshaker = new DtlsHandshaker(_certificate, _options.MaxConcurrentHandshakes, TimeSpan.FromSeconds(_options.HandshakeTimeoutSeconds));
        try
        {
            _endpoint = new WebRtcEndpoint(_options.BindEndPoint, _options.UdpSegmentation);
        }
        catch (SocketException ex)
        {
            throw new StartupProblemException(
                $"Media UDP port cannot be bound on {_options.BindEndPoint}: {ex.Message} (set Media:UdpPort / CS_Media__UdpPort).", ex);
        }
        var candidates = string.Join(", ", _options.Candidates(_endpoint.LocalEndPoint.Port));
        LogStarted(logger, _endpoint.LocalEndPoint, candidates);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Usually the actor system has stopped the owners already (they close their transports as they stop).
        await Task.WhenAll(sessions.All().Select(session => SessionAsks.CloseAsync(session.Owner, "server stopping", cancellationToken)));
    }

    /// <summary>A stream's fan-out on this node's media socket, one batch sender per slice.</summary>
    public StreamFanout NewFanout() => new(Materializer, Endpoint.CreateBatchSender(), newBatch: Endpoint.CreateBatchSender,
        forwardingDelay: services.GetService<MediaMetrics>()?.ForwardingDelay);

    /// <summary>Answers an offer and creates the transport that will carry it. Throws <see cref="SdpParseException"/> for an offer we cannot serve.</summary>
    /// <param name="offer">The client's SDP.</param>
    /// <param name="mode">Receive for a publisher, Send for a viewer.</param>
    /// <param name="outgoingSsrcs">For a viewer: our SSRC per kind.</param>
    /// <param name="published">For a viewer: the publisher's tracks, the only codecs the viewer may get (we do not transcode).</param>
    public (ISessionTransport Transport, SdpAnswer Answer) Negotiate(string offer, AnswerMode mode, IReadOnlyDictionary<string, uint>? outgoingSsrcs = null, IReadOnlyList<PublishedTrack>? published = null)
    {
        var endpoint = Endpoint;
        var local = IceCredentials.Generate();
        var defaults = new SdpAnswerOptions { Mode = mode, IceUfrag = "", IcePwd = "", Fingerprint = _certificate!.Fingerprint, Candidates = [] };
        var answer = SdpAnswerer.Answer(offer, new SdpAnswerOptions
        {
            AudioCodecs = published is null ? defaults.AudioCodecs : published.Where(t => t.Kind == MediaKind.Audio).Select(t => t.Codec).ToList(),
            VideoCodecs = published is null ? PublisherVideoCodecs(defaults.VideoCodecs) : published.Where(t => t.Kind == MediaKind.Video).Select(t => t.Codec).ToList(),
            Mode = mode,
            IceUfrag = local.Ufrag,
            IcePwd = local.Password,
            Fingerprint = _certificate!.Fingerprint,
            Candidates = _options.Candidates(endpoint.LocalEndPoint.Port),
            OutgoingSsrcs = outgoingSsrcs ?? new Dictionary<string, uint>(),
            TransportWideCongestionControl = false,
        });
        var transport = new WebRtcTransport(endpoint, _handshaker!, local, answer.RemoteIceUfrag, answer.RemoteFingerprint, TimeSpan.FromSeconds(_options.ConsentTimeoutSeconds));
        Transports.Track(transport);
        return (new WebRtcSessionTransport(transport), answer);
    }

    /// <summary>A publisher's video codecs, most preferred first: H.264 first when HLS is on and <c>Media:Hls:PreferH264ForHls</c> (HLS needs it).</summary>
    private IReadOnlyList<string> PublisherVideoCodecs(IReadOnlyList<string> defaults) =>
        services.GetService<IOptions<Signalling.StreamingOptions>>()?.Value.Hls is { Enabled: true, PreferH264ForHls: true }
            ? ["H264", .. defaults.Where(c => c != "H264")]
            : defaults;

    public void Dispose()
    {
        _endpoint?.Dispose();
        _handshaker?.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "WebRTC media on udp {Bound}; candidates {Candidates}")]
    private static partial void LogStarted(ILogger logger, System.Net.IPEndPoint bound, string candidates);
}
