using System.Diagnostics;
using CommunityStream.LoadGen;
using CommunityStream.WebRtc.Rtp;

namespace CommunityStream.MediaLoad;

/// <summary>
/// One WHEP viewer's receive side. Every packet is counted and sequence-checked from its RTP header, which SRTP
/// leaves in the clear; a verifying viewer also unprotects it (proving the server's keys, tags and ROC are right),
/// counts keyframes and records the publisher-to-viewer delay from the payload stamp. Runs on the peer's receive
/// loop, one packet at a time; the coordinator only reads the counters.
/// </summary>
internal sealed class SyntheticViewer(int index, bool verify, DelayGate gate) : IPeerMediaSink
{
    private readonly RtpSequenceTracker _audio = new();
    private readonly RtpSequenceTracker _video = new();
    private byte _videoPayloadType = OfferBuilder.Vp8PayloadType;
    private byte _audioPayloadType = OfferBuilder.OpusPayloadType;

    public int Index { get; } = index;

    public bool Verify { get; } = verify;

    public ClientPeer? Peer { get; set; }

    public Uri? Location { get; set; }

    public bool Connected { get; set; }

    public string? Failure { get; set; }

    /// <summary>Publisher-send to viewer-receive delay in µs (verifying viewers only).</summary>
    public LogLinearHistogram? Delay { get; } = verify ? new LogLinearHistogram() : null;

    /// <summary>Publisher-send to arrival in the viewer's socket (kernel timestamp), in µs; the generator's own lateness excluded.</summary>
    public LogLinearHistogram? SocketDelay { get; } = verify ? new LogLinearHistogram() : null;

    public long Packets;
    public long Bytes;
    public long RtcpPackets;
    public long AuthFailures;
    public long Malformed;
    public long OtherPayloadTypes;
    public long Keyframes;
    public long Stamps;
    public long LastPacketTicks;

    public RtpSequenceTracker Audio => _audio;

    public RtpSequenceTracker Video => _video;

    /// <summary>Takes the payload types the server answered with (it echoes ours, but may pick H264).</summary>
    public void Use(RemoteDescription remote)
    {
        _videoPayloadType = remote.Video?.PayloadType ?? _videoPayloadType;
        _audioPayloadType = remote.Audio?.PayloadType ?? _audioPayloadType;
    }

    public void OnRtp(ClientPeer peer, Span<byte> datagram)
    {
        var now = Stopwatch.GetTimestamp();
        Packets++;
        Bytes += datagram.Length;
        Volatile.Write(ref LastPacketTicks, now);
        if (Verify)
        {
            if (!peer.Inbound!.TryUnprotectRtp(datagram, datagram.Length, out var plainLength))
            {
                AuthFailures++;
                return;
            }
            datagram = datagram[..plainLength];
        }
        if (!RtpHeader.TryRead(datagram, out var header))
        {
            Malformed++;
            return;
        }
        if (header.PayloadType == _videoPayloadType)
        {
            _video.Observe(header.SequenceNumber);
            if (Verify && header.TryGetPayload(datagram, out var payload))
            {
                Inspect(payload, now, peer.ArrivedAt);
            }
        }
        else if (header.PayloadType == _audioPayloadType)
        {
            _audio.Observe(header.SequenceNumber);
        }
        else
        {
            OtherPayloadTypes++;
        }
    }

    public void OnRtcp(ClientPeer peer, Span<byte> datagram)
    {
        RtcpPackets++;
        if (Verify && !peer.Inbound!.TryUnprotectRtcp(datagram, datagram.Length, out _))
        {
            AuthFailures++;
        }
    }

    private void Inspect(ReadOnlySpan<byte> payload, long now, long arrivedAt)
    {
        if (Vp8PayloadFormat.IsKeyframeStart(payload))
        {
            Keyframes++;
        }
        if (PayloadStamp.TryRead(payload, out var stamp))
        {
            Stamps++;
            if (gate.Open)
            {
                Delay!.Record(PayloadStamp.MicrosecondsBetween(stamp, now));
                if (arrivedAt != 0)
                {
                    SocketDelay!.Record(Math.Max(0, PayloadStamp.MicrosecondsBetween(stamp, arrivedAt)));
                }
            }
        }
    }
}

/// <summary>Whether delays are recorded now: only inside the measurement window, after ramp-up and warm-up.</summary>
internal sealed class DelayGate
{
    private volatile bool _open;

    public bool Open
    {
        get => _open;
        set => _open = value;
    }
}
