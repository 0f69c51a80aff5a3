using System.Diagnostics;
using System.Runtime.CompilerServices;
using CommunityStream.WebRtc.Rtcp;
using CommunityStream.WebRtc.Rtp;
using CommunityStream.WebRtc.Sdp;
using CommunityStream.WebRtc.Transport;

namespace CommunityStream.Media.Forwarding;

/// <summary>
/// One viewer's sink: writes each publisher packet again with the viewer's SSRC, payload type, sequence number and
/// timestamp (and its own <c>mid</c> extension id, since the publisher's extension ids mean nothing to the viewer),
/// straight into the stream's send batch, where the viewer's transport protects it in place. NACKed packets are
/// written again from the stream's retransmission buffer; the fan-out thread and the receive thread (NACKs) both
/// write, so one lock guards the track state and the scratch buffer.
/// </summary>
internal sealed class ViewerForwarder
{
    private const string MidExtension = "urn:ietf:params:rtp-hdrext:sdes:mid";

    private readonly Lock _gate = new();
    private readonly byte[] _scratch = new byte[1600];
    private readonly IRtpSink _sink;
    private readonly ViewerTrack?[] _tracks = new ViewerTrack?[2];
    private readonly Dictionary<uint, ViewerTrack> _bySsrc = [];

    public ViewerForwarder(IRtpSink sink, SdpAnswer viewerAnswer, IReadOnlyList<PublishedTrack> published)
    {
        _sink = sink;
        foreach (var media in viewerAnswer.Media)
        {
            var kind = media.Kind == "audio" ? MediaKind.Audio : MediaKind.Video;
            var source = published.FirstOrDefault(p => p.Kind == kind);
            // The viewer's codec must be the publisher's: a viewer offering only another codec gets no such track.
            if (source is null || media.LocalSsrc is not { } ssrc || !media.Codec.Name.Equals(source.Codec, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            var midId = media.Extensions.TryGetValue(MidExtension, out var id) && id is >= 1 and <= 14 ? id : 0;
            var track = new ViewerTrack(ssrc, (byte)media.Codec.PayloadType, midId, media.Mid, media.Codec.ClockRate);
            _tracks[(int)kind] = track;
            _bySsrc[ssrc] = track;
        }
    }

    private long _forwarded;
    private long _retransmitted;
    private long _sendFailures;

    /// <summary>Packets protected into a batch for this viewer.</summary>
    public long Forwarded => Interlocked.Read(ref _forwarded);

    /// <summary>Packets sent again for this viewer's NACKs.</summary>
    public long Retransmitted => Interlocked.Read(ref _retransmitted);

    /// <summary>Copies that could not be written or protected (no keys yet, closed).</summary>
    public long SendFailures => Interlocked.Read(ref _sendFailures);

    /// <summary>Whether the viewer gets this kind at all (its offer had a matching codec).</summary>
    public bool Receives(MediaKind kind) => _tracks[(int)kind] is not null;

    /// <summary>Our SSRC toward the viewer for this kind, when it is received.</summary>
    public uint? SsrcOf(MediaKind kind) => _tracks[(int)kind]?.Ssrc;

    /// <summary>
    /// The fan-out's path: writes the viewer's copies of a group of packets into consecutive slots of the stream's
    /// batch, protects them there and queues them, so one <c>sendmmsg</c> carries them to many viewers and the
    /// batch can coalesce this viewer's equal-sized copies into one GSO message.
    /// </summary>
    /// <param name="packets">The publisher's packets, in the order this viewer gets them.</param>
    /// <param name="batch">The stream's batch for this pass.</param>
    /// <param name="now">Stopwatch ticks, read once per pass for all viewers (for sender reports).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void ForwardInto(ReadOnlySpan<MediaPacket> packets, UdpBatchSender batch, long now)
    {
        lock (_gate)
        {
            foreach (var packet in packets)
            {
                var track = _tracks[(int)packet.Kind];
                if (track is null)
                {
                    continue;
                }
                if (!track.Started)
                {
                    track.StartAt(packet.Sequence, packet.Timestamp);
                }
                var slot = batch.NextBuffer;
                var length = Write(slot, track, packet);
                if (length > 0 && _sink.TryProtectRtp(slot, length, out var protectedLength, out var destination))
                {
                    batch.Commit(protectedLength, destination);
                    track.Sent(packet.Timestamp + track.TimestampOffset, packet.Data.Length - packet.HeaderLength, now);
                    Interlocked.Increment(ref _forwarded);
                }
                else
                {
                    Interlocked.Increment(ref _sendFailures);
                }
            }
        }
    }

    /// <summary>One packet's copy into the batch (<see cref="ForwardInto(ReadOnlySpan{MediaPacket}, UdpBatchSender, long)"/>).</summary>
    public void ForwardInto(MediaPacket packet, UdpBatchSender batch, long now) => ForwardInto(new ReadOnlySpan<MediaPacket>(ref packet), batch, now);

    /// <summary>Answers a generic NACK for our SSRC <paramref name="mediaSsrc"/> from the stream's buffer.</summary>
    public void Retransmit(uint mediaSsrc, ReadOnlySpan<ushort> lost, RetransmissionBuffer buffer)
    {
        if (!_bySsrc.TryGetValue(mediaSsrc, out var track) || !track.Started)
        {
            return;
        }
        lock (_gate)
        {
            foreach (var sequence in lost)
            {
                if (buffer.Find((ushort)(sequence - track.SequenceOffset)) is { } packet && Send(track, packet))
                {
                    Interlocked.Increment(ref _retransmitted);
                }
            }
        }
    }

    /// <summary>Sends one SR per started track (RFC 3550 §6.4.1), extrapolating the RTP time to now from the last packet.</summary>
    public void SendSenderReports(DateTime utcNow)
    {
        Span<byte> report = stackalloc byte[64];
        lock (_gate)
        {
            foreach (var track in _tracks)
            {
                if (track is not { Started: true })
                {
                    continue;
                }
                var elapsed = Stopwatch.GetElapsedTime(track.LastSentAt);
                var rtpNow = track.LastTimestamp + (uint)(elapsed.TotalSeconds * track.ClockRate);
                var length = RtcpSenderReport.Write(report, track.Ssrc, NtpTime.From(utcNow), rtpNow, track.PacketsSent, track.OctetsSent);
                _sink.SendRtcp(report[..length]);
            }
        }
    }

    private bool Send(ViewerTrack track, MediaPacket packet)
    {
        var length = Write(_scratch, track, packet);
        if (length > 0 && _sink.SendRtp(_scratch.AsSpan(0, length)))
        {
            return true;
        }
        Interlocked.Increment(ref _sendFailures);
        return false;
    }

    /// <summary>The viewer's copy of <paramref name="packet"/> in <paramref name="destination"/>; 0 if it does not fit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static int Write(Span<byte> destination, ViewerTrack track, MediaPacket packet)
    {
        var payload = packet.Payload;
        if (destination.Length < RtpHeader.FixedLength + 8 + track.Mid.Length + payload.Length)
        {
            return 0;
        }
        var length = RtpHeader.Write(destination, packet.Marker, track.PayloadType,
            (ushort)(packet.Sequence + track.SequenceOffset), packet.Timestamp + track.TimestampOffset, track.Ssrc);
        if (packet.Padded)
        {
            destination[0] |= 0x20;
        }
        if (track.MidExtensionId != 0 && track.Mid.Length is >= 1 and <= 16)
        {
            var extensions = new RtpHeaderExtensionWriter(destination, length, twoByte: false);
            extensions.Add(track.MidExtensionId, track.Mid);
            length = extensions.Complete();
        }
        payload.CopyTo(destination[length..]);
        return length + payload.Length;
    }
}
