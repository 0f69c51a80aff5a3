using System.Buffers.Binary;

namespace CommunityStream.WebRtc.Rtp;

/// <summary>
/// The fixed RTP header, CSRC list and header extension of a packet (RFC 3550 §5.1, §5.3.1), read once with bounds
/// checks. Offsets refer to the packet the header was read from; extension elements are read by id with
/// <see cref="TryGetExtension"/> (RFC 8285).
/// </summary>
public readonly struct RtpHeader
{
    /// <summary>Length of the fixed header, without CSRCs or extension.</summary>
    public const int FixedLength = 12;

    /// <summary>RFC 8285 §4.2: "defined by profile" value of the one-byte form.</summary>
    public const ushort OneByteProfile = 0xBEDE;

    /// <summary>RFC 8285 §4.3: the two-byte form is 0x100 followed by 4 app bits.</summary>
    public const ushort TwoByteProfileMask = 0xFFF0;
    /// <summary>The two-byte form's "defined by profile" value with the app bits zero.</summary>
    public const ushort TwoByteProfile = 0x1000;

    /// <summary>The P bit: the payload ends with padding whose last byte counts it.</summary>
    public bool Padding { get; init; }

    /// <summary>The X bit: a header extension follows the CSRCs.</summary>
    public bool HasExtension { get; init; }

    /// <summary>Number of CSRCs (0–15).</summary>
    public int CsrcCount { get; init; }

    /// <summary>The M bit; for video, the last packet of a frame.</summary>
    public bool Marker { get; init; }

    /// <summary>The payload type (0–127), as negotiated in SDP.</summary>
    public byte PayloadType { get; init; }

    /// <summary>The 16-bit sequence number.</summary>
    public ushort SequenceNumber { get; init; }

    /// <summary>The RTP timestamp, in the codec's clock rate.</summary>
    public uint Timestamp { get; init; }

    /// <summary>The synchronisation source.</summary>
    public uint Ssrc { get; init; }

    /// <summary>Fixed header + CSRCs + extension: where the payload starts.</summary>
    public int HeaderLength { get; init; }

    /// <summary>The extension block's "defined by profile" field: <see cref="OneByteProfile"/>, two-byte, or something else.</summary>
    public ushort ExtensionProfile { get; init; }

    /// <summary>Offset of the extension data (after its 4-byte header) and its length in bytes.</summary>
    public int ExtensionOffset { get; init; }

    /// <summary>Length of the extension data in bytes, without its header.</summary>
    public int ExtensionLength { get; init; }

    /// <summary>Parses the header; false (counted) for anything but a complete version-2 header.</summary>
    public static bool TryRead(ReadOnlySpan<byte> packet, out RtpHeader header)
    {
        if (TryReadCore(packet, out header))
        {
            return true;
        }

        ParseFailureCounters.RtpRejected();
        return false;
    }

    private static bool TryReadCore(ReadOnlySpan<byte> packet, out RtpHeader header)
    {
        header = default;
        if (packet.Length < FixedLength || packet[0] >> 6 != 2)
        {
            return false;
        }

        var csrcCount = packet[0] & 0x0F;
        var hasExtension = (packet[0] & 0x10) != 0;
        var length = FixedLength + (csrcCount * 4);
        if (packet.Length < length)
        {
            return false;
        }

        ushort profile = 0;
        int extensionOffset = 0, extensionLength = 0;
        if (hasExtension)
        {
            if (packet.Length < length + 4)
            {
                return false;
            }

            profile = BinaryPrimitives.ReadUInt16BigEndian(packet[length..]);
            extensionLength = BinaryPrimitives.ReadUInt16BigEndian(packet[(length + 2)..]) * 4;
            extensionOffset = length + 4;
            length = extensionOffset + extensionLength;
            if (packet.Length < length)
            {
                return false;
            }
        }

        header = new RtpHeader
        {
            Padding = (packet[0] & 0x20) != 0,
            HasExtension = hasExtension,
            CsrcCount = csrcCount,
            Marker = (packet[1] & 0x80) != 0,
            PayloadType = (byte)(packet[1] & 0x7F),
            SequenceNumber = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]),
            Timestamp = BinaryPrimitives.ReadUInt32BigEndian(packet[4..]),
            Ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet[8..]),
            HeaderLength = length,
            ExtensionProfile = profile,
            ExtensionOffset = extensionOffset,
            ExtensionLength = extensionLength,
        };
        return true;
    }

    /// <summary>CSRC <paramref name="index"/> of <paramref name="packet"/>, the packet this header was read from.</summary>
    public uint GetCsrc(ReadOnlySpan<byte> packet, int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, CsrcCount);
        return BinaryPrimitives.ReadUInt32BigEndian(packet[(FixedLength + (index * 4))..]);
    }

    /// <summary>
    /// The payload without padding (RFC 3550 §5.1: the last padding byte counts the padding, itself included). False
    /// when the padding count is zero or longer than the payload.
    /// </summary>
    public bool TryGetPayload(ReadOnlySpan<byte> packet, out ReadOnlySpan<byte> payload)
    {
        payload = default;
        if (packet.Length < HeaderLength)
        {
            return false;
        }

        var end = packet.Length;
        if (Padding)
        {
            var paddingLength = end > HeaderLength ? packet[end - 1] : 0;
            if (paddingLength == 0 || paddingLength > end - HeaderLength)
            {
                ParseFailureCounters.RtpRejected();
                return false;
            }

            end -= paddingLength;
        }

        payload = packet[HeaderLength..end];
        return true;
    }

    /// <summary>
    /// Finds header extension element <paramref name="id"/> in the one-byte (RFC 8285 §4.2) or two-byte (§4.3) form.
    /// Malformed extension blocks yield false.
    /// </summary>
    public bool TryGetExtension(ReadOnlySpan<byte> packet, int id, out ReadOnlySpan<byte> value)
    {
        value = default;
        if (!HasExtension || id <= 0 || packet.Length < ExtensionOffset + ExtensionLength)
        {
            return false;
        }

        var block = packet.Slice(ExtensionOffset, ExtensionLength);
        if (ExtensionProfile == OneByteProfile)
        {
            return RtpHeaderExtensions.TryFindOneByte(block, id, out value);
        }

        if ((ExtensionProfile & TwoByteProfileMask) == TwoByteProfile)
        {
            return RtpHeaderExtensions.TryFindTwoByte(block, id, out value);
        }

        return false;
    }

    /// <summary>Rewrites SSRC, sequence number and timestamp in place: what an SFU does to every forwarded packet.</summary>
    public static void Rewrite(Span<byte> packet, uint ssrc, ushort sequenceNumber, uint timestamp)
    {
        BinaryPrimitives.WriteUInt16BigEndian(packet[2..], sequenceNumber);
        BinaryPrimitives.WriteUInt32BigEndian(packet[4..], timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(packet[8..], ssrc);
    }

    /// <summary>Sets or clears the marker bit in place.</summary>
    public static void SetMarker(Span<byte> packet, bool marker) =>
        packet[1] = (byte)((packet[1] & 0x7F) | (marker ? 0x80 : 0));

    /// <summary>Replaces the payload type in place, keeping the marker bit.</summary>
    public static void SetPayloadType(Span<byte> packet, byte payloadType) =>
        packet[1] = (byte)((packet[1] & 0x80) | (payloadType & 0x7F));

    /// <summary>
    /// Writes a fixed header and CSRC list (no extension; append one with <see cref="RtpHeaderExtensionWriter"/>, which
    /// sets the X bit). Returns the bytes written.
    /// </summary>
    public static int Write(
        Span<byte> destination, bool marker, byte payloadType, ushort sequenceNumber, uint timestamp, uint ssrc,
        ReadOnlySpan<uint> csrcs = default)
    {
        if (csrcs.Length > 15)
        {
            throw new ArgumentException("At most 15 CSRCs.", nameof(csrcs));
        }

        var length = FixedLength + (csrcs.Length * 4);
        if (destination.Length < length)
        {
            throw new ArgumentException("Buffer too small for the RTP header.", nameof(destination));
        }

        destination[0] = (byte)(0x80 | csrcs.Length);
        destination[1] = (byte)((marker ? 0x80 : 0) | (payloadType & 0x7F));
        Rewrite(destination, ssrc, sequenceNumber, timestamp);
        for (var i = 0; i < csrcs.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination[(FixedLength + (i * 4))..], csrcs[i]);
        }

        return length;
    }
}
