using System.Collections.Concurrent;
using System.Diagnostics;
using Akka.Actor;
using CommunityStream.Media.Forwarding;
using CommunityStream.Media.Streams;
using CommunityStream.WebRtc.Rtcp;
using CommunityStream.WebRtc.Rtp;
using CommunityStream.WebRtc.Sdp;
using CommunityStream.WebRtc.Transport;

namespace CommunityStream.Media.Sessions;

/// <summary>
/// A WHIP publisher on this node: its transport decrypts once, each packet is parsed once and offered to the
/// stream's <see cref="StreamFanout"/>. A 250 ms timer sends held-back keyframe requests, and every second an RR
/// (loss, jitter, LSR/DLSR) and a REMB to the publisher and an SR to every viewer; every two seconds it vouches
/// for the session to the <see cref="StreamActor"/> with the quality figures and this node's viewer count.
/// </summary>
internal sealed class PublisherSession : IMediaSession, ILiveFeed, IDisposable
{
    private const uint OurSsrc = 1;
    private const int TickMilliseconds = 250;

    private readonly WebRtcTransport _transport;
    private readonly MediaSessions _sessions;
    private readonly IActorRef _streams;
    private readonly string _node;
    private readonly DateTimeOffset _startedAt;
    private readonly ulong _maxBitrate;
    private readonly Dictionary<byte, PublishedTrack> _byPayloadType;
    private readonly ConcurrentDictionary<uint, ReceiveStatistics> _statistics = new();
    private readonly KeyframeRequests _keyframes = new(TimeSpan.FromMilliseconds(500));
    private readonly AttachedViewers _viewers = new();
    private readonly Timer _timer;
    private readonly Stopwatch _sinceQuality = Stopwatch.StartNew();
    private uint _videoSsrc;
    private uint _audioSsrc;
    private long _lastVideoBytes;
    private long _lastAudioBytes;
    private long[] _lastDelays = new long[ForwardingDelays.BucketCount];
    private int _ticks;
    private int _reportedViewers = -1;
    private int _closed;

    public PublisherSession(string id, string channel, WebRtcTransport transport, SdpAnswer answer, StreamFanout fanout, MediaSessions sessions, IActorRef streams, string node, DateTimeOffset startedAt, ulong maxBitrate)
    {
        Id = id;
        Channel = channel;
        ETag = $"\"{transport.Local.Ufrag}\"";
        Fanout = fanout;
        Tracks = PublishedTrack.From(answer);
        _byPayloadType = Tracks.ToDictionary(t => t.PayloadType);
        _transport = transport;
        _sessions = sessions;
        _streams = streams;
        _node = node;
        _startedAt = startedAt;
        _maxBitrate = maxBitrate;
        transport.RtpReceived = OnRtp;
        transport.RtcpReceived = OnRtcp;
        transport.Closed += (_, reason) => Close(reason);
        _timer = new Timer(_ => OnTick(), null, TickMilliseconds, TickMilliseconds);
    }

    public string Id { get; }

    public string Channel { get; }

    public string ETag { get; }

    public string RemoteUfrag => _transport.RemoteUfrag;

    public StreamFanout Fanout { get; }

    public IReadOnlyList<PublishedTrack> Tracks { get; }

    public WebRtcTransport Transport => _transport;

    /// <summary>Packets of payload types we did not negotiate for forwarding (RTX, FEC).</summary>
    public long Unforwarded;

    public KeyframeRequests Keyframes => _keyframes;

    public void RequestKeyframe()
    {
        if (_keyframes.Request(Stopwatch.GetTimestamp()))
        {
            SendPictureLossIndication();
        }
    }

    public void Attach(ViewerSession viewer) => _viewers.Add(viewer);

    public void Detach(ViewerSession viewer) => _viewers.Remove(viewer);

    public void Dispose() => Close("disposed");

    public void Close(string reason)
    {
        if (Interlocked.Exchange(ref _closed, 1) == 1)
        {
            return;
        }
        _timer.Dispose();
        _sessions.Remove(this);
        _sessions.RemoveFeed(this);
        Fanout.Dispose();
        _viewers.CloseAll("stream ended");
        _streams.Tell(new StreamCommands.StopPublishing(Channel, Id, reason));
        _transport.Dispose();
    }

    private void OnRtp(WebRtcTransport from, Span<byte> packet)
    {
        if (!RtpHeader.TryRead(packet, out var header) || !_byPayloadType.TryGetValue(header.PayloadType, out var track))
        {
            Interlocked.Increment(ref Unforwarded);
            return;
        }
        var now = Stopwatch.GetTimestamp();
        var keyframe = track.Kind == MediaKind.Video && KeyframeDetector.IsKeyframeStart(track.Codec, packet[header.HeaderLength..]);
        if (!_statistics.TryGetValue(header.Ssrc, out var statistics))
        {
            statistics = _statistics.GetOrAdd(header.Ssrc, new ReceiveStatistics(header.Ssrc, track.ClockRate));
        }
        statistics.Received(header.SequenceNumber, header.Timestamp, now, packet.Length, keyframe);
        if (track.Kind == MediaKind.Video)
        {
            _videoSsrc = header.Ssrc;
        }
        else
        {
            _audioSsrc = header.Ssrc;
        }
        Fanout.Offer(new MediaPacket(track.Kind, packet.ToArray(), header.HeaderLength, header.SequenceNumber, header.Timestamp, header.Marker, keyframe, now));
    }

    private void OnRtcp(WebRtcTransport from, Span<byte> packet)
    {
        var reader = new RtcpCompoundReader(packet);
        while (reader.TryReadNext(out var rtcp))
        {
            if (rtcp.PacketType == RtcpPacketType.SenderReport && RtcpSenderReport.TryParse(in rtcp, out var report)
                && _statistics.TryGetValue(report.Ssrc, out var statistics))
            {
                statistics.SenderReportReceived(report.NtpTimestamp, Stopwatch.GetTimestamp());
            }
        }
    }

    private void OnTick()
    {
        try
        {
            var now = Stopwatch.GetTimestamp();
            if (_keyframes.Due(now))
            {
                SendPictureLossIndication();
            }
            var tick = ++_ticks;
            if (tick % 4 == 0)
            {
                SendReceiverReport(now);
            }
            Fanout.SendSenderReports(tick, DateTime.UtcNow);
            if (tick % 8 == 0)
            {
                _streams.Tell(new StreamCommands.PublisherHeartbeat(Channel, Id, _node, _startedAt, Quality()));
            }
            var viewers = Fanout.ViewerCount;
            if (viewers != _reportedViewers || tick % 8 == 0)
            {
                _reportedViewers = viewers;
                _streams.Tell(new StreamCommands.ReportViewers(Channel, _node, viewers));
            }
        }
        catch (Exception ex) when (ex is ObjectDisposedException or InvalidOperationException)
        {
            // Closing raced the timer.
        }
    }

    private void SendPictureLossIndication()
    {
        if (_videoSsrc == 0)
        {
            return;
        }
        Span<byte> pli = stackalloc byte[12];
        var length = RtcpPictureLossIndication.Write(pli, OurSsrc, _videoSsrc);
        _transport.SendRtcp(pli[..length]);
    }

    private void SendReceiverReport(long now)
    {
        Span<RtcpReportBlock> blocks = stackalloc RtcpReportBlock[4];
        Span<uint> ssrcs = stackalloc uint[4];
        var count = 0;
        foreach (var statistics in _statistics.Values)
        {
            if (count == blocks.Length)
            {
                break;
            }
            ssrcs[count] = statistics.Ssrc;
            blocks[count++] = statistics.NextReportBlock(now);
        }
        if (count == 0)
        {
            return;
        }
        Span<byte> compound = stackalloc byte[256];
        var length = RtcpReceiverReport.Write(compound, OurSsrc, blocks[..count]);
        // REMB tells the publisher's congestion controller how much it may send (we do not offer transport-cc to it).
        length += RtcpReceiverEstimatedMaxBitrate.Write(compound[length..], OurSsrc, _maxBitrate, ssrcs[..count]);
        _transport.SendRtcp(compound[..length]);
    }

    private StreamQuality Quality()
    {
        var seconds = Math.Max(0.001, _sinceQuality.Elapsed.TotalSeconds);
        _sinceQuality.Restart();
        long videoBytes = 0, audioBytes = 0, received = 0, lost = 0;
        double jitter = 0, keyframeInterval = 0;
        foreach (var statistics in _statistics.Values)
        {
            var totals = statistics.Totals();
            received += totals.Received;
            lost += totals.Lost;
            if (statistics.Ssrc == _videoSsrc)
            {
                videoBytes = totals.Bytes;
                jitter = totals.JitterSeconds;
                keyframeInterval = totals.KeyframeIntervalSeconds;
            }
            else if (statistics.Ssrc == _audioSsrc)
            {
                audioBytes = totals.Bytes;
            }
        }
        var delaysNow = Fanout.Delays.Snapshot();
        var delays = ForwardingDelays.Summarize(_lastDelays, delaysNow);
        var quality = new StreamQuality(
            (long)((videoBytes - _lastVideoBytes) * 8 / seconds),
            (long)((audioBytes - _lastAudioBytes) * 8 / seconds),
            received,
            lost,
            Math.Round(jitter * 1000, 2),
            Math.Round(keyframeInterval, 2),
            Interlocked.Read(ref _keyframes.Requested),
            Fanout.CopiesSent,
            Fanout.Dropped + Fanout.Stale,
            Fanout.CopiesDropped,
            Math.Round(Fanout.TakeMaxLag().TotalMilliseconds, 2),
            Fanout.Passes,
            Fanout.CopiesCoalesced,
            delays.P50Milliseconds,
            delays.P99Milliseconds);
        _lastDelays = delaysNow;
        _lastVideoBytes = videoBytes;
        _lastAudioBytes = audioBytes;
        return quality;
    }
}
