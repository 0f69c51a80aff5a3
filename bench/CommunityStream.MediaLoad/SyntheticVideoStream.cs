using CommunityStream.WebRtc.Rtp;

namespace CommunityStream.MediaLoad;

/// <summary>
/// Generates a VP8-shaped RTP stream at a target bitrate: <see cref="FrameRate"/> frames per second, each split into
/// packets of at most <see cref="PacketSize"/> bytes (marker on the last one, one RTP timestamp per frame at 90 kHz),
/// a keyframe every <c>keyframeInterval</c> and on request (PLI/FIR), the sdes:mid header extension, and the send
/// time stamped at the end of every payload (<see cref="PayloadStamp"/>). Bytes other than headers are filler.
/// </summary>
internal sealed class SyntheticVideoStream
{
    private readonly byte _payloadType;
    private readonly byte[] _mid;
    private readonly int _frameBytes;
    private readonly int _keyframeEveryFrames;
    private ushort _sequence = (ushort)Random.Shared.Next(0, 65536);
    private uint _timestamp = (uint)Random.Shared.Next();
    private int _packetInFrame;
    private int _frameRemaining;
    private long _frameIndex = -1;
    private bool _keyframe;
    private volatile bool _keyframeRequested;

    public SyntheticVideoStream(uint ssrc, byte payloadType, string mid, int bitrate, int frameRate = 30, int packetSize = 1200, double keyframeIntervalSeconds = 2)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(packetSize, 200);
        ArgumentOutOfRangeException.ThrowIfLessThan(frameRate, 1);
        Ssrc = ssrc;
        _payloadType = payloadType;
        _mid = System.Text.Encoding.ASCII.GetBytes(mid);
        FrameRate = frameRate;
        PacketSize = packetSize;
        _frameBytes = Math.Max(bitrate / 8 / frameRate, 64);
        _keyframeEveryFrames = Math.Max(1, (int)Math.Round(keyframeIntervalSeconds * frameRate));
        PacketsPerFrame = (_frameBytes + PayloadCapacity - 1) / PayloadCapacity;
    }

    public uint Ssrc { get; }

    public int FrameRate { get; }

    public int PacketSize { get; }

    /// <summary>Packets per frame: the frame's bytes over the payload room of one packet, rounded up.</summary>
    public int PacketsPerFrame { get; }

    public double PacketsPerSecond => (double)PacketsPerFrame * FrameRate;

    public long Frames => _frameIndex + 1;

    public long Keyframes { get; private set; }

    // Fixed header 12 + mid extension block 8 (4-byte header, 1 + up to 3 bytes, padded).
    private const int HeaderLength = RtpHeader.FixedLength + 8;

    private int PayloadCapacity => PacketSize - HeaderLength;

    /// <summary>The next packet picks up a PLI or FIR at the next frame boundary.</summary>
    public void RequestKeyframe() => _keyframeRequested = true;

    /// <summary>Writes the next packet (plain RTP) into <paramref name="packet"/> and returns its length.</summary>
    public int WriteNext(Span<byte> packet, long sendTimestamp)
    {
        var first = _packetInFrame == 0;
        if (first)
        {
            _frameIndex++;
            _timestamp += (uint)(90000 / FrameRate);
            _frameRemaining = _frameBytes;
            _keyframe = _frameIndex % _keyframeEveryFrames == 0 || _keyframeRequested;
            if (_keyframe)
            {
                _keyframeRequested = false;
                Keyframes++;
            }
        }
        // Full packets, then the rest of the frame in the last one (never shorter than headers plus stamp).
        var last = _packetInFrame == PacketsPerFrame - 1;
        var payloadLength = Math.Max(
            Math.Min(_frameRemaining, PayloadCapacity),
            Vp8PayloadFormat.DescriptorLength + Vp8PayloadFormat.KeyframeHeaderLength + PayloadStamp.Length);

        var header = RtpHeader.Write(packet, last, _payloadType, _sequence++, _timestamp, Ssrc);
        var extension = new RtpHeaderExtensionWriter(packet, header, twoByte: false);
        extension.Add(OfferBuilder.MidExtensionId, _mid);
        header = extension.Complete();
        var payload = packet.Slice(header, payloadLength);
        var written = Vp8PayloadFormat.WriteStart(payload, first, _keyframe);
        payload[written..^PayloadStamp.Length].Fill((byte)_frameIndex);
        PayloadStamp.Write(payload, sendTimestamp);

        _frameRemaining -= payloadLength;
        _packetInFrame = last ? 0 : _packetInFrame + 1;
        return header + payloadLength;
    }
}
