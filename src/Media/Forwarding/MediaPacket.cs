namespace CommunityStream.Media.Forwarding;

/// <summary>
/// One decrypted RTP packet of the publisher, parsed once on ingest and shared read-only by every viewer's
/// forwarder (each writes its own rewritten copy). Immutable after construction.
/// </summary>
internal sealed class MediaPacket
{
    public MediaPacket(MediaKind kind, byte[] data, int headerLength, ushort sequence, uint timestamp, bool marker, bool keyframe, long receivedAt)
    {
        Kind = kind;
        Data = data;
        HeaderLength = headerLength;
        Sequence = sequence;
        Timestamp = timestamp;
        Marker = marker;
        Keyframe = keyframe;
        ReceivedAt = receivedAt;
    }

    public MediaKind Kind { get; }

    /// <summary>The whole RTP packet as the publisher sent it (header, extensions, payload, padding).</summary>
    public byte[] Data { get; }

    /// <summary>Where the payload starts in <see cref="Data"/>.</summary>
    public int HeaderLength { get; }

    public ushort Sequence { get; }

    public uint Timestamp { get; }

    public bool Marker { get; }

    /// <summary>The packet starts a keyframe (VP8 key frame, H264 IDR/SPS).</summary>
    public bool Keyframe { get; }

    /// <summary><see cref="System.Diagnostics.Stopwatch"/> ticks when the datagram was decrypted.</summary>
    public long ReceivedAt { get; }

    /// <summary>Bytes after the RTP header: what a viewer's copy carries unchanged.</summary>
    public ReadOnlySpan<byte> Payload => Data.AsSpan(HeaderLength);

    /// <summary>The RTP padding bit (RFC 3550 §5.1): padding bytes are at the end of <see cref="Payload"/>.</summary>
    public bool Padded => (Data[0] & 0x20) != 0;
}
