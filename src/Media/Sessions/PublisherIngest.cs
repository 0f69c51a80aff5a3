using System.Collections.Concurrent;
using System.Diagnostics;
using CommunityStream.Media.Forwarding;
using CommunityStream.Media.Streams;
using CommunityStream.WebRtc.Rtcp;
using CommunityStream.WebRtc.Rtp;

namespace CommunityStream.Media.Sessions;

/// <summary>
/// A publisher's receive path, on the transport's receive thread and never through its owner's mailbox: each packet
/// is parsed once, counted (RFC 3550 statistics per SSRC) and offered to the stream's <see cref="StreamFanout"/>.
/// Its owner, <see cref="PublisherSessionActor"/>, reads the figures for the receiver reports and the quality it
/// reports to the stream.
/// </summary>
internal sealed class PublisherIngest(IReadOnlyList<PublishedTrack> tracks, StreamFanout fanout)
{
    private readonly Dictionary<byte, PublishedTrack> _byPayloadType = tracks.ToDictionary(t => t.PayloadType);
    private readonly ConcurrentDictionary<uint, ReceiveStatistics> _statistics = new();
    private readonly Stopwatch _sinceQuality = Stopwatch.StartNew();
    private uint _videoSsrc;
    private uint _audioSsrc;
    private long _lastVideoBytes;
    private long _lastAudioBytes;
    private long[] _lastDelays = new long[ForwardingDelays.BucketCount];

    /// <summary>The publisher's video SSRC, once a video packet came (0 before): the target of our PLIs.</summary>
    public uint VideoSsrc => Volatile.Read(ref _videoSsrc);

    public void OnRtp(Span<byte> packet)
    {
        if (!RtpHeader.TryRead(packet, out var header) || !_byPayloadType.TryGetValue(header.PayloadType, out var track))
        {
            // Payload types we did not negotiate for forwarding (RTX, FEC).
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
            Volatile.Write(ref _videoSsrc, header.Ssrc);
        }
        else
        {
            Volatile.Write(ref _audioSsrc, header.Ssrc);
        }
        fanout.Offer(new MediaPacket(track.Kind, packet.ToArray(), header.HeaderLength, header.SequenceNumber, header.Timestamp, header.Marker, keyframe, now));
    }

    public void OnRtcp(Span<byte> packet)
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

    /// <summary>
    /// Writes an RR (a block per SSRC, at most four) and a REMB of <paramref name="maxBitrate"/> into
    /// <paramref name="compound"/>; 0 before any packet came.
    /// </summary>
    public int WriteReceiverReport(Span<byte> compound, uint ourSsrc, ulong maxBitrate, long now)
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
            return 0;
        }
        var length = RtcpReceiverReport.Write(compound, ourSsrc, blocks[..count]);
        // REMB tells the publisher's congestion controller how much it may send (we do not offer transport-cc to it).
        return length + RtcpReceiverEstimatedMaxBitrate.Write(compound[length..], ourSsrc, maxBitrate, ssrcs[..count]);
    }

    /// <summary>The stream's quality since the previous call (bit rates, forwarding delays) and since the start (counters).</summary>
    public StreamQuality Quality(long keyframeRequests)
    {
        var seconds = Math.Max(0.001, _sinceQuality.Elapsed.TotalSeconds);
        _sinceQuality.Restart();
        long videoBytes = 0, audioBytes = 0, received = 0, lost = 0;
        double jitter = 0, keyframeInterval = 0;
        var videoSsrc = VideoSsrc;
        var audioSsrc = Volatile.Read(ref _audioSsrc);
        foreach (var statistics in _statistics.Values)
        {
            var totals = statistics.Totals();
            received += totals.Received;
            lost += totals.Lost;
            if (statistics.Ssrc == videoSsrc)
            {
                videoBytes = totals.Bytes;
                jitter = totals.JitterSeconds;
                keyframeInterval = totals.KeyframeIntervalSeconds;
            }
            else if (statistics.Ssrc == audioSsrc)
            {
                audioBytes = totals.Bytes;
            }
        }
        var delaysNow = fanout.Delays.Snapshot();
        var delays = ForwardingDelays.Summarize(_lastDelays, delaysNow);
        var quality = new StreamQuality(
            (long)((videoBytes - _lastVideoBytes) * 8 / seconds),
            (long)((audioBytes - _lastAudioBytes) * 8 / seconds),
            received,
            lost,
            Math.Round(jitter * 1000, 2),
            Math.Round(keyframeInterval, 2),
            keyframeRequests,
            fanout.CopiesSent,
            fanout.Dropped + fanout.Stale,
            fanout.CopiesDropped,
            Math.Round(fanout.TakeMaxLag().TotalMilliseconds, 2),
            fanout.Passes,
            fanout.CopiesCoalesced,
            delays.P50Milliseconds,
            delays.P99Milliseconds);
        _lastDelays = delaysNow;
        _lastVideoBytes = videoBytes;
        _lastAudioBytes = audioBytes;
        return quality;
    }
}
