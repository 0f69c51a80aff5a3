using System.Diagnostics;
using CommunityStream.WebRtc.Rtcp;

namespace CommunityStream.MediaLoad;

/// <summary>
/// The WHIP publisher's media: a paced sender thread for <see cref="SyntheticVideoStream"/> and
/// <see cref="SyntheticAudioStream"/> (packets due at even intervals, checked every millisecond; after a stall of
/// more than a second the schedule skips ahead instead of bursting), SRTP-protected with the session's keys.
/// RTCP from the server is unprotected and PLI/FIR/NACK counted; PLI and FIR trigger a keyframe.
/// </summary>
internal sealed class SyntheticPublisher(ClientPeer peer, SyntheticVideoStream video, SyntheticAudioStream audio) : IPeerMediaSink
{
    public ClientPeer Peer { get; } = peer;

    public SyntheticVideoStream Video { get; } = video;

    public long VideoPackets;
    public long AudioPackets;
    public long Bytes;
    public long SkippedPackets;
    public long Pli;
    public long Fir;
    public long Nack;
    public long OtherRtcp;
    public long UnexpectedRtp;
    public long RtcpAuthFailures;

    /// <summary>Sends until <paramref name="stop"/> is cancelled or <paramref name="until"/> (a Stopwatch timestamp) passes.</summary>
    public Thread Start(long until, CancellationToken stop)
    {
        var thread = new Thread(() => Run(until, stop)) { IsBackground = true, Name = "mediaload-publisher" };
        thread.Start();
        return thread;
    }

    private void Run(long until, CancellationToken stop)
    {
        var buffer = new byte[2048];
        var start = Stopwatch.GetTimestamp();
        long videoDue = 0, audioDue = 0;
        while (!stop.IsCancellationRequested && Stopwatch.GetTimestamp() < until)
        {
            var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
            var videoTarget = (long)(elapsed * Video.PacketsPerSecond);
            var audioTarget = (long)(elapsed * SyntheticAudioStream.PacketsPerSecond);
            videoDue = SkipIfFarBehind(videoDue, videoTarget, (long)Video.PacketsPerSecond);
            audioDue = SkipIfFarBehind(audioDue, audioTarget, SyntheticAudioStream.PacketsPerSecond);
            for (; videoDue < videoTarget; videoDue++)
            {
                Send(buffer, Video.WriteNext(buffer, Stopwatch.GetTimestamp()));
                Interlocked.Increment(ref VideoPackets);
            }
            for (; audioDue < audioTarget; audioDue++)
            {
                Send(buffer, audio.WriteNext(buffer, Stopwatch.GetTimestamp()));
                Interlocked.Increment(ref AudioPackets);
            }
            Thread.Sleep(1);
        }
    }

    private long SkipIfFarBehind(long due, long target, long perSecond)
    {
        if (target - due <= perSecond)
        {
            return due;
        }
        Interlocked.Add(ref SkippedPackets, target - due);
        return target;
    }

    private void Send(byte[] buffer, int length)
    {
        if (Peer.Outbound!.TryProtectRtp(buffer, length, out var protectedLength))
        {
            Peer.Send(buffer.AsSpan(0, protectedLength));
            Interlocked.Add(ref Bytes, protectedLength);
        }
    }

    public void OnRtp(ClientPeer peer, Span<byte> datagram) => Interlocked.Increment(ref UnexpectedRtp);

    public void OnRtcp(ClientPeer peer, Span<byte> datagram)
    {
        if (!peer.Inbound!.TryUnprotectRtcp(datagram, datagram.Length, out var length))
        {
            Interlocked.Increment(ref RtcpAuthFailures);
            return;
        }
        var reader = new RtcpCompoundReader(datagram[..length]);
        // A compound packet holds a handful of reports; the reader stops at the end or at a malformed one.
        while (reader.TryReadNext(out var packet))
        {
            switch (packet.PacketType)
            {
                case RtcpPacketType.PayloadFeedback when packet.Count == RtcpPacketType.FormatPictureLossIndication:
                    Interlocked.Increment(ref Pli);
                    Video.RequestKeyframe();
                    break;
                case RtcpPacketType.PayloadFeedback when packet.Count == RtcpPacketType.FormatFullIntraRequest:
                    Interlocked.Increment(ref Fir);
                    Video.RequestKeyframe();
                    break;
                case RtcpPacketType.TransportFeedback when packet.Count == RtcpPacketType.FormatGenericNack:
                    Interlocked.Increment(ref Nack);
                    break;
                default:
                    Interlocked.Increment(ref OtherRtcp);
                    break;
            }
        }
    }
}
