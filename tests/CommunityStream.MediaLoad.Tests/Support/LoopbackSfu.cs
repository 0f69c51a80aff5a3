using System.Collections.Concurrent;
using System.Net;
using CommunityStream.WebRtc.Dtls;
using CommunityStream.WebRtc.Rtp;
using CommunityStream.WebRtc.Sdp;
using CommunityStream.WebRtc.Transport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CommunityStream.MediaLoad.Tests.Support;

/// <summary>
/// A stand-in for the Host's WHIP/WHEP endpoints, built from our transport the way the end-to-end tests'
/// LoopbackMediaServer is (WebRtcEndpoint + SdpAnswerer + WebRtcTransport), behind Kestrel on 127.0.0.1: one
/// publisher per process, every RTP packet forwarded to each connected viewer with the viewer's SSRC for its kind.
/// Just enough server to exercise the generator's client side end to end before the real server exists.
/// </summary>
internal sealed class LoopbackSfu : IAsyncDisposable
{
    public const string StreamKey = "sk_test";
    public const uint ViewerAudioSsrc = 0x1111;
    public const uint ViewerVideoSsrc = 0x2222;

    private static readonly DtlsCertificate Certificate = DtlsCertificate.Generate(TimeSpan.FromDays(1));
    private readonly WebRtcEndpoint _endpoint = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly DtlsHandshaker _handshaker = new(Certificate, maxConcurrent: 8, TimeSpan.FromSeconds(30));
    private readonly ConcurrentDictionary<string, WebRtcTransport> _sessions = new();
    private readonly ConcurrentDictionary<string, WebRtcTransport> _viewers = new();
    private readonly TimeSpan _consentTimeout;
    private readonly WebApplication _app;
    private readonly List<byte[]>? _held;
    private readonly UdpBatchSender? _batch;
    private byte _publisherVideoPayloadType;
    private int _deletes;

    private LoopbackSfu(TimeSpan consentTimeout, bool coalesce)
    {
        _consentTimeout = consentTimeout;
        if (coalesce)
        {
            _held = [];
            _batch = _endpoint.CreateBatchSender();
        }
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/whip/{channel}", Publish);
        _app.MapPost("/whep/{channel}", View);
        _app.MapDelete("/{kind}/{channel}/sessions/{id}", Delete);
    }

    public Uri Url { get; private set; } = null!;

    public int Deletes => Volatile.Read(ref _deletes);

    public long PacketsFromPublisher;

    /// <param name="consentTimeout">Sessions without an ICE check for this long close.</param>
    /// <param name="coalesce">Forward packets three at a time, each viewer's copies side by side in one batch, so its
    /// runs leave as UDP GSO messages as the real fan-out's do.</param>
    public static async Task<LoopbackSfu> StartAsync(TimeSpan? consentTimeout = null, bool coalesce = false)
    {
        var sfu = new LoopbackSfu(consentTimeout ?? TimeSpan.FromSeconds(30), coalesce);
        await sfu._app.StartAsync();
        var address = sfu._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        sfu.Url = new Uri(address + "/");
        return sfu;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _endpoint.Dispose();
        _handshaker.Dispose();
        _batch?.Dispose();
    }

    /// <summary>Copies that left inside another copy's GSO message (coalescing mode).</summary>
    public long Coalesced => _batch?.Coalesced ?? 0;

    private async Task<IResult> Publish(HttpRequest request, string channel)
    {
        if (request.Headers.Authorization.ToString() != $"Bearer {StreamKey}")
        {
            return Results.Unauthorized();
        }
        var (id, transport, answer) = Negotiate(await ReadAsync(request), AnswerMode.Receive);
        _publisherVideoPayloadType = (byte)answer.Media.First(m => m.Kind == "video").Codec.PayloadType;
        transport.RtpReceived = Forward;
        return Created(request, $"/whip/{channel}/sessions/{id}", answer.Sdp);
    }

    private async Task<IResult> View(HttpRequest request, string channel)
    {
        var (id, transport, answer) = Negotiate(await ReadAsync(request), AnswerMode.Send);
        _viewers[id] = transport;
        return Created(request, $"/whep/{channel}/sessions/{id}", answer.Sdp);
    }

    private IResult Delete(string kind, string channel, string id)
    {
        if (!_sessions.TryRemove(id, out var transport))
        {
            return Results.NotFound();
        }
        _viewers.TryRemove(id, out _);
        transport.Dispose();
        Interlocked.Increment(ref _deletes);
        return Results.NoContent();
    }

    private (string Id, WebRtcTransport Transport, SdpAnswer Answer) Negotiate(string offer, AnswerMode mode)
    {
        var local = IceCredentials.Generate();
        var answer = SdpAnswerer.Answer(offer, new SdpAnswerOptions
        {
            Mode = mode,
            IceUfrag = local.Ufrag,
            IcePwd = local.Password,
            Fingerprint = Certificate.Fingerprint,
            Candidates = [_endpoint.LocalEndPoint],
            OutgoingSsrcs = new Dictionary<string, uint> { ["audio"] = ViewerAudioSsrc, ["video"] = ViewerVideoSsrc },
        });
        var transport = new WebRtcTransport(_endpoint, _handshaker, local, answer.RemoteIceUfrag, answer.RemoteFingerprint, _consentTimeout);
        var id = Guid.NewGuid().ToString("N");
        _sessions[id] = transport;
        transport.Closed += (_, _) => _viewers.TryRemove(id, out WebRtcTransport? _);
        return (id, transport, answer);
    }

    // Runs on the endpoint's receive thread, the only thread that sends to viewers: SendRtp's one-sender rule holds.
    private void Forward(WebRtcTransport publisher, Span<byte> packet)
    {
        Interlocked.Increment(ref PacketsFromPublisher);
        if (!RtpHeader.TryRead(packet, out var header))
        {
            return;
        }
        var ssrc = header.PayloadType == _publisherVideoPayloadType ? ViewerVideoSsrc : ViewerAudioSsrc;
        RtpHeader.Rewrite(packet, ssrc, header.SequenceNumber, header.Timestamp);
        if (_held is null || _batch is null)
        {
            foreach (var viewer in _viewers.Values)
            {
                viewer.SendRtp(packet);
            }
            return;
        }
        _held.Add(packet.ToArray());
        if (_held.Count < 3)
        {
            return;
        }
        foreach (var viewer in _viewers.Values)
        {
            foreach (var held in _held)
            {
                var slot = _batch.NextBuffer;
                held.CopyTo(slot);
                if (viewer.TryProtectRtp(slot, held.Length, out var length, out var destination))
                {
                    _batch.Commit(length, destination);
                }
            }
        }
        _batch.Flush();
        _held.Clear();
    }

    private static IResult Created(HttpRequest request, string location, string sdp)
    {
        request.HttpContext.Response.Headers.Location = location;
        return Results.Text(sdp, "application/sdp", statusCode: 201);
    }

    private static async Task<string> ReadAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body);
        return await reader.ReadToEndAsync();
    }
}
