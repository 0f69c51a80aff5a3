using System.Diagnostics;
using System.Globalization;
using System.Net;
using CommunityStream.WebRtc.Dtls;
using Org.BouncyCastle.Tls;

namespace CommunityStream.MediaLoad;

/// <summary>
/// One run: the publisher connects and starts sending, viewers are started at <c>--ramp-rate</c> (at most
/// <c>--connect-concurrency</c> connecting at once, the ramp capped at 60 % of the time left after the publisher connected), then after a warm-up the
/// measurement window runs until shortly before <c>--duration</c>, when sessions are deleted and sockets closed.
/// Every wait is bounded by the run's deadline.
/// </summary>
internal sealed class MediaLoadRun(MediaLoadOptions options, TextWriter log)
{
    private readonly List<ClientPeer> _connected = [];
    private readonly DelayGate _gate = new();
    private readonly List<double> _connectMillis = [];
    private readonly SortedDictionary<string, int> _failures = [];
    private ReceivePoller? _poller;

    public async Task<MediaLoadResult> RunAsync(CancellationToken cancel)
    {
        var start = Stopwatch.GetTimestamp();
        var end = start + Ticks(options.Duration);
        // Teardown gets the last few seconds of the run; the window closes before it.
        var windowEnd = end - Ticks(Math.Min(3, options.Duration * 0.1));
        using var runStop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        runStop.CancelAfter(TimeSpan.FromSeconds(options.Duration));
        var stop = runStop.Token;

        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = options.ConnectConcurrency + 2, UseProxy = false };
        using var http = new HttpClient(handler) { BaseAddress = options.Server, Timeout = TimeSpan.FromSeconds(Math.Min(10, options.ConnectTimeout)) };
        var signaling = new WhipWhepClient(http);
        var certificate = DtlsCertificate.Generate(TimeSpan.FromDays(1));
        using var handshaker = new DtlsHandshaker(certificate, options.DtlsConcurrency, TimeSpan.FromSeconds(options.ConnectTimeout));
        var result = new MediaLoadResult
        {
            StartedAt = DateTimeOffset.UtcNow,
            ViewersRequested = options.Viewers,
            Scenario = string.Create(CultureInfo.InvariantCulture,
                $"channel {options.Channel}, {(options.Publish ? "1 publisher" : "no publisher")} at {options.Bitrate / 1e6:0.##} Mbit/s, {options.Viewers} viewers ({options.VerifySample} verified) at {options.RampRate}/s, {options.Duration} s"),
        };
        using var sampler = options.ServerPid is { } pid ? new ServerMonitor(pid) : null;
        // Disposed after the peers are closed (ClosePeersAsync removes each from it first).
        using var poller = options.PollIntervalMs > 0 && ReceivePoller.IsSupported
            ? new ReceivePoller(TimeSpan.FromMilliseconds(options.PollIntervalMs), options.Gro)
            : null;
        _poller = poller;

        SyntheticPublisher? publisher = null;
        Uri? publisherLocation = null;
        Thread? publisherThread = null;
        using var publisherStop = CancellationTokenSource.CreateLinkedTokenSource(stop);
        if (options.Publish)
        {
            (publisher, publisherLocation, result.PublisherFailure) = await StartPublisherAsync(signaling, handshaker, certificate, stop);
            if (publisher is null)
            {
                log.WriteLine($"mediaload: publisher failed: {result.PublisherFailure}");
                result.DeleteOutcomes = await TeardownAsync(signaling, [], publisherLocation, end);
                return result;
            }
            publisherThread = publisher.Start(windowEnd, publisherStop.Token);
            log.WriteLine($"mediaload: publisher connected, {publisher.Video.PacketsPerSecond:0} video pkt/s + {SyntheticAudioStream.PacketsPerSecond} audio pkt/s");
        }

        using var consent = new Timer(_ => SendConsentChecks(publisher), null, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5));
        // The ramp may use 60 % of what is left once the publisher is up (its handshake can be slow on a busy machine).
        var now = Stopwatch.GetTimestamp();
        var viewers = await RampAsync(signaling, handshaker, certificate, now + (long)((end - now) * 0.6), stop);
        var rampSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"mediaload: ramp done in {rampSeconds:0.0} s, {viewers.Count(v => v.Connected)} of {options.Viewers} viewers connected"));

        await DelayUntilAsync(Stopwatch.GetTimestamp() + Ticks(options.Warmup), stop);
        _gate.Open = true;
        var first = Snapshot.Take(viewers, publisher, sampler);
        await ReportProgressUntilAsync(viewers, windowEnd, stop);
        _gate.Open = false;
        var last = Snapshot.Take(viewers, publisher, sampler);
        await publisherStop.CancelAsync();
        publisherThread?.Join(TimeSpan.FromSeconds(1));

        MediaLoadReport.Fill(result, viewers, publisher, first, last, sampler, _connectMillis, rampSeconds);
        result.ViewersStarted = viewers.Count;
        if (poller is not null)
        {
            var polled = viewers.Count(v => !v.Verify);
            result.ReceivePath = string.Create(CultureInfo.InvariantCulture,
                $"{polled} viewers swept every {options.PollIntervalMs:0.#} ms, {(double)poller.Datagrams / Math.Max(1, poller.Calls):0.00} messages per recvmmsg")
                + (poller.Gro ? string.Create(CultureInfo.InvariantCulture, $", UDP_GRO: {poller.Coalesced} datagrams arrived coalesced") : "");
            result.ReceiveCoalesced = poller.Coalesced;
        }
        result.ViewerFailures = _failures;
        log.WriteLine("mediaload: window closed, deleting sessions");
        var teardown = Stopwatch.GetTimestamp();
        result.DeleteOutcomes = await TeardownAsync(signaling, viewers, publisherLocation, end + Ticks(5));
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"mediaload: sessions deleted in {Stopwatch.GetElapsedTime(teardown).TotalSeconds:0.0} s, closing sockets"));
        await ClosePeersAsync([.. viewers.Select(v => v.Peer), publisher?.Peer]);
        return result;
    }

    /// <summary>Closes every socket first, then waits (bounded) for the receive loops to notice.</summary>
    private static async Task ClosePeersAsync(IEnumerable<ClientPeer?> peers)
    {
        var open = peers.OfType<ClientPeer>().ToList();
        var loops = open.Select(peer => peer.Close()).ToList();
        await Task.WhenAll(loops).WaitAsync(TimeSpan.FromSeconds(2)).ContinueWith(_ => { }, TaskScheduler.Default);
        foreach (var peer in open)
        {
            peer.Dispose();
        }
    }

    private async Task<(SyntheticPublisher?, Uri?, string?)> StartPublisherAsync(WhipWhepClient signaling, DtlsHandshaker handshaker, DtlsCertificate certificate, CancellationToken stop)
    {
        var peer = new ClientPeer(options.LocalAddress);
        var ssrcs = new PublisherSsrcs((uint)Random.Shared.NextInt64(1, uint.MaxValue), (uint)Random.Shared.NextInt64(1, uint.MaxValue));
        var offer = OfferBuilder.Publisher(peer.Local.Ufrag, peer.Local.Password, certificate.Fingerprint, ssrcs, peer.LocalEndPoint);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.ConnectTimeout));
        var reply = await signaling.PublishAsync(options.Channel, offer, options.StreamKey!, timeout.Token);
        if (!reply.Created)
        {
            peer.Dispose();
            return (null, null, $"WHIP {reply.Failure}");
        }
        var failure = await ConnectAsync(peer, reply.Answer!, handshaker, stop);
        if (failure is not null)
        {
            peer.Dispose();
            return (null, reply.Location, failure);
        }
        var remote = peer.Remote!;
        var video = new SyntheticVideoStream(ssrcs.Video, remote.Video?.PayloadType ?? OfferBuilder.Vp8PayloadType, remote.Video?.Mid ?? OfferBuilder.VideoMid,
            options.Bitrate, options.FrameRate, options.PacketSize, options.KeyframeInterval);
        var audio = new SyntheticAudioStream(ssrcs.Audio, remote.Audio?.PayloadType ?? OfferBuilder.OpusPayloadType, remote.Audio?.Mid ?? OfferBuilder.AudioMid);
        var publisher = new SyntheticPublisher(peer, video, audio);
        peer.Sink = publisher;
        return (publisher, reply.Location, null);
    }

    private async Task<List<SyntheticViewer>> RampAsync(WhipWhepClient signaling, DtlsHandshaker handshaker, DtlsCertificate certificate, long rampDeadline, CancellationToken stop)
    {
        var viewers = new List<SyntheticViewer>();
        var connecting = new List<Task>();
        using var slots = new SemaphoreSlim(options.ConnectConcurrency);
        var rampStart = Stopwatch.GetTimestamp();
        for (var i = 0; i < options.Viewers && !stop.IsCancellationRequested; i++)
        {
            await DelayUntilAsync(rampStart + Ticks(i / options.RampRate), stop);
            if (Stopwatch.GetTimestamp() > rampDeadline)
            {
                log.WriteLine($"mediaload: ramp deadline reached after {i} viewers");
                break;
            }
            try
            {
                await slots.WaitAsync(stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            var viewer = new SyntheticViewer(i, IsVerified(i, options.Viewers, options.VerifySample), _gate);
            viewers.Add(viewer);
            connecting.Add(Task.Run(async () =>
            {
                try
                {
                    await ConnectViewerAsync(viewer, signaling, handshaker, certificate, stop);
                }
                finally
                {
                    slots.Release();
                }
            }, CancellationToken.None));
        }
        await Task.WhenAll(connecting);
        return viewers;
    }

    private async Task ConnectViewerAsync(SyntheticViewer viewer, WhipWhepClient signaling, DtlsHandshaker handshaker, DtlsCertificate certificate, CancellationToken stop)
    {
        var started = Stopwatch.GetTimestamp();
        // Verifying viewers keep their own loop, so the delay they measure has no sweep interval in it.
        var peer = new ClientPeer(options.LocalAddress, viewer.Verify ? null : _poller);
        viewer.Peer = peer;
        peer.Sink = viewer;
        var offer = OfferBuilder.Viewer(peer.Local.Ufrag, peer.Local.Password, certificate.Fingerprint, peer.LocalEndPoint);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.ConnectTimeout));
        var reply = await signaling.ViewAsync(options.Channel, offer, options.ViewerToken, timeout.Token);
        if (!reply.Created)
        {
            Fail(viewer, $"WHEP {reply.Failure}");
            return;
        }
        viewer.Location = reply.Location;
        var failure = await ConnectAsync(peer, reply.Answer!, handshaker, stop, viewer);
        if (failure is not null)
        {
            Fail(viewer, failure);
            return;
        }
        lock (_connected)
        {
            viewer.Connected = true;
            _connected.Add(peer);
            _connectMillis.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    /// <summary>Parses the answer and runs ICE + DTLS; null on success, else the failure reason for the report.</summary>
    private async Task<string?> ConnectAsync(ClientPeer peer, string answer, DtlsHandshaker handshaker, CancellationToken stop, SyntheticViewer? viewer = null)
    {
        RemoteDescription remote;
        try
        {
            remote = RemoteDescription.Parse(answer);
        }
        catch (FormatException e)
        {
            log.WriteLine($"mediaload: bad answer: {e.Message}");
            return "bad-answer";
        }
        if (!IPAddress.IsLoopback(remote.Candidate.Address))
        {
            return "non-loopback-candidate";
        }
        viewer?.Use(remote);
        try
        {
            await peer.ConnectAsync(remote, handshaker, TimeSpan.FromSeconds(options.ConnectTimeout), stop);
            return null;
        }
        catch (TimeoutException e)
        {
            return e.Message.Contains("ICE", StringComparison.Ordinal) ? "ice-timeout" : "dtls-timeout";
        }
        catch (OperationCanceledException)
        {
            return "run-ended";
        }
        catch (Exception e) when (e is TlsException or IOException or InvalidOperationException or ObjectDisposedException)
        {
            return $"dtls-{e.GetType().Name}";
        }
    }

    private void Fail(SyntheticViewer viewer, string reason)
    {
        lock (_connected)
        {
            viewer.Failure = reason;
            _failures[reason] = _failures.GetValueOrDefault(reason) + 1;
        }
    }

    private void SendConsentChecks(SyntheticPublisher? publisher)
    {
        publisher?.Peer.SendConsentCheck();
        ClientPeer[] peers;
        lock (_connected)
        {
            peers = [.. _connected];
        }
        foreach (var peer in peers)
        {
            peer.SendConsentCheck();
        }
    }

    private async Task ReportProgressUntilAsync(List<SyntheticViewer> viewers, long until, CancellationToken stop)
    {
        while (Stopwatch.GetTimestamp() < until && !stop.IsCancellationRequested)
        {
            await DelayUntilAsync(Math.Min(until, Stopwatch.GetTimestamp() + Ticks(5)), stop);
            var packets = viewers.Sum(v => Interlocked.Read(ref v.Packets));
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"mediaload: {viewers.Count(v => v.Connected)} connected, {packets} packets received so far"));
        }
    }

    private async Task<SortedDictionary<string, long>> TeardownAsync(WhipWhepClient signaling, List<SyntheticViewer> viewers, Uri? publisherLocation, long deadline)
    {
        var outcomes = new SortedDictionary<string, long>();
        var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
        using var bound = new CancellationTokenSource(remaining > TimeSpan.FromSeconds(1) ? remaining : TimeSpan.FromSeconds(1));
        using var slots = new SemaphoreSlim(16);
        var locations = viewers.Where(v => v.Location is not null).Select(v => (v.Location!, options.ViewerToken)).ToList();
        if (publisherLocation is not null)
        {
            locations.Add((publisherLocation, options.StreamKey));
        }
        var deletes = locations.Select(async target =>
        {
            try
            {
                await slots.WaitAsync(bound.Token);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
            var started = Stopwatch.GetTimestamp();
            try
            {
                return await signaling.DeleteAsync(target.Item1, target.Item2, bound.Token);
            }
            finally
            {
                slots.Release();
                var millis = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                lock (outcomes)
                {
                    outcomes["slowestMs"] = Math.Max(outcomes.GetValueOrDefault("slowestMs"), millis);
                }
            }
        }).ToList();
        foreach (var ok in await Task.WhenAll(deletes))
        {
            var key = ok ? "ok" : "failed";
            outcomes[key] = outcomes.GetValueOrDefault(key) + 1;
        }
        return outcomes;
    }

    private static async Task DelayUntilAsync(long timestamp, CancellationToken stop)
    {
        var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), timestamp);
        if (wait > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(wait, stop);
            }
            catch (OperationCanceledException)
            {
                // The run's deadline: callers check the clock or the token.
            }
        }
    }

    /// <summary>
    /// Spreads the verifying viewers evenly over the join order, the last viewer included: the server sends a packet
    /// to its viewers in join order, so a sample of the first ones would see only the front of every pass.
    /// </summary>
    internal static bool IsVerified(int index, int viewers, int sample)
    {
        if (sample <= 0)
        {
            return false;
        }
        var stride = Math.Max(1, viewers / sample);
        return index % stride == stride - 1 && index / stride < sample;
    }

    internal static long Ticks(double seconds) => (long)(seconds * Stopwatch.Frequency);
}
