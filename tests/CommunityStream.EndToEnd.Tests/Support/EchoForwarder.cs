using System.Buffers.Binary;
using CommunityStream.WebRtc.Rtcp;
using CommunityStream.WebRtc.Rtp;
using CommunityStream.WebRtc.Sdp;
using CommunityStream.WebRtc.Transport;

namespace CommunityStream.EndToEnd.Tests.Support;

/// <summary>
/// The interop test's minimal relay: publisher RTP goes to one viewer with the viewer's SSRC and payload type
/// written in; the viewer's keyframe requests (PLI/FIR) go back to the publisher as a PLI. Not the SFU.
/// </summary>
internal sealed class EchoForwarder
{
    private readonly Dictionary<int, (uint Ssrc, byte PayloadType)> _byPublisherPayloadType = [];
    private readonly uint _publisherVideoSsrc;
    private readonly WebRtcTransport _publisher;
    private readonly WebRtcTransport _viewer;
    private readonly byte[] _scratch = new byte[1600];

    public EchoForwarder(WebRtcTransport publisher, SdpAnswer publisherAnswer, WebRtcTransport viewer, SdpAnswer viewerAnswer)
    {
        _publisher = publisher;
        _viewer = viewer;
        foreach (var media in publisherAnswer.Media)
        {
            var target = viewerAnswer.Media.Single(v => v.Kind == media.Kind);
            _byPublisherPayloadType[media.Codec.PayloadType] = (target.LocalSsrc!.Value, (byte)target.Codec.PayloadType);
        }
        _publisherVideoSsrc = publisherAnswer.Media.Single(m => m.Kind == "video").RemoteSsrcs[0];
        publisher.RtpReceived = Forward;
        viewer.RtcpReceived = RelayKeyframeRequests;
    }

    public long Forwarded;

    public long KeyframeRequests;

    /// <summary>Asks the publisher for a keyframe so a new viewer can start decoding.</summary>
    public void RequestKeyframe()
    {
        Span<byte> pli = stackalloc byte[12];
        var length = RtcpPictureLossIndication.Write(pli, senderSsrc: 1, mediaSsrc: _publisherVideoSsrc);
        _publisher.SendRtcp(pli[..length]);
        Interlocked.Increment(ref KeyframeRequests);
    }

    private void Forward(WebRtcTransport from, Span<byte> packet)
    {
        if (!RtpHeader.TryRead(packet, out var header) || !_byPublisherPayloadType.TryGetValue(header.PayloadType, out var target))
        {
            return; // RTX and anything not negotiated for the viewer.
        }
        packet.CopyTo(_scratch);
        // RTP header: payload type in the low 7 bits of byte 1, SSRC at bytes 8-11 (RFC 3550 §5.1).
        _scratch[1] = (byte)((_scratch[1] & 0x80) | target.PayloadType);
        BinaryPrimitives.WriteUInt32BigEndian(_scratch.AsSpan(8, 4), target.Ssrc);
        if (_viewer.SendRtp(_scratch.AsSpan(0, packet.Length)))
        {
            Interlocked.Increment(ref Forwarded);
        }
    }

    private void RelayKeyframeRequests(WebRtcTransport from, Span<byte> packet)
    {
        var reader = new RtcpCompoundReader(packet);
        while (reader.TryReadNext(out var rtcp))
        {
            if (rtcp.PacketType == RtcpPacketType.PayloadFeedback && rtcp.Count is RtcpPacketType.FormatPictureLossIndication or RtcpPacketType.FormatFullIntraRequest)
            {
                RequestKeyframe();
            }
        }
    }
}
