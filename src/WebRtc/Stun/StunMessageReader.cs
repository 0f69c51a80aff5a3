using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;

namespace CommunityStream.WebRtc.Stun;

/// <summary>
/// A validated view over one STUN message in a receive buffer (RFC 8489 §5, §6.3). <see cref="TryParse"/> checks the
/// header and the whole attribute list once; accessors then read attributes in place without allocating.
/// </summary>
public readonly ref struct StunMessageReader
{
    private readonly ReadOnlySpan<byte> _message;

    private StunMessageReader(ReadOnlySpan<byte> message, StunMessageType type)
    {
        _message = message;
        Type = type;
    }

    /// <summary>The message type: method and class.</summary>
    public StunMessageType Type { get; }

    /// <summary>The 12-byte transaction id.</summary>
    public ReadOnlySpan<byte> TransactionId => _message.Slice(8, StunConstants.TransactionIdLength);

    /// <summary>The whole message, header included.</summary>
    public ReadOnlySpan<byte> Message => _message;

    /// <summary>Every attribute, in order, including any after MESSAGE-INTEGRITY.</summary>
    public StunAttributeEnumerator Attributes => new(_message);

    /// <summary>
    /// Parses a datagram. Fails (and counts the failure) unless it is exactly one well-formed STUN message: top two bits
    /// zero, magic cookie, length a multiple of 4 matching the datagram, attributes that fit, FINGERPRINT last if present.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> datagram, out StunMessageReader reader)
    {
        reader = default;
        if (!IsWellFormed(datagram))
        {
            ParseFailureCounters.StunRejected();
            return false;
        }

        reader = new StunMessageReader(datagram, StunMessageType.FromUInt16(BinaryPrimitives.ReadUInt16BigEndian(datagram)));
        return true;
    }

    private static bool IsWellFormed(ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length < StunConstants.HeaderLength || (datagram[0] & 0xC0) != 0)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadUInt16BigEndian(datagram[2..]);
        if ((length & 3) != 0 || length + StunConstants.HeaderLength != datagram.Length)
        {
            return false;
        }

        if (BinaryPrimitives.ReadUInt32BigEndian(datagram[4..]) != StunConstants.MagicCookie)
        {
            return false;
        }

        var offset = StunConstants.HeaderLength;
        while (offset < datagram.Length)
        {
            if (datagram.Length - offset < 4)
            {
                return false;
            }

            var type = BinaryPrimitives.ReadUInt16BigEndian(datagram[offset..]);
            var valueLength = BinaryPrimitives.ReadUInt16BigEndian(datagram[(offset + 2)..]);
            var size = StunConstants.PaddedAttributeSize(valueLength);
            if (size > datagram.Length - offset)
            {
                return false;
            }

            // RFC 8489 §14.7: FINGERPRINT, when present, is the last attribute and 4 bytes long.
            if (type == StunAttributeType.Fingerprint
                && (valueLength != StunConstants.FingerprintLength || offset + size != datagram.Length))
            {
                return false;
            }

            offset += size;
        }

        return true;
    }

    /// <summary>
    /// Finds the first attribute of a type. Attributes after MESSAGE-INTEGRITY other than FINGERPRINT are ignored
    /// (RFC 8489 §14.5): they are not covered by the HMAC.
    /// </summary>
    public bool TryGetAttribute(ushort type, out ReadOnlySpan<byte> value)
    {
        if (TryFindAttribute(type, out var offset, out var length))
        {
            value = _message.Slice(offset + 4, length);
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>Whether an attribute of <paramref name="type"/> is present (before MESSAGE-INTEGRITY, as <see cref="TryGetAttribute"/>).</summary>
    public bool HasAttribute(ushort type) => TryFindAttribute(type, out _, out _);

    private bool TryFindAttribute(ushort type, out int offset, out int length)
    {
        foreach (var attribute in Attributes)
        {
            if (attribute.Type == type)
            {
                offset = attribute.Offset;
                length = attribute.Value.Length;
                return true;
            }

            if (attribute.Type == StunAttributeType.MessageIntegrity && type != StunAttributeType.Fingerprint)
            {
                break;
            }
        }

        offset = 0;
        length = 0;
        return false;
    }

    /// <summary>USERNAME, raw bytes.</summary>
    public bool TryGetUsername(out ReadOnlySpan<byte> username) => TryGetAttribute(StunAttributeType.Username, out username);

    /// <summary>PRIORITY; false when absent or not 4 bytes.</summary>
    public bool TryGetPriority(out uint priority) => TryGetUInt32(StunAttributeType.Priority, out priority);

    /// <summary>Whether USE-CANDIDATE is present (the check nominates its pair).</summary>
    public bool HasUseCandidate => HasAttribute(StunAttributeType.UseCandidate);

    /// <summary>ICE-CONTROLLING and its tie-breaker.</summary>
    public bool TryGetIceControlling(out ulong tieBreaker) => TryGetUInt64(StunAttributeType.IceControlling, out tieBreaker);

    /// <summary>ICE-CONTROLLED and its tie-breaker.</summary>
    public bool TryGetIceControlled(out ulong tieBreaker) => TryGetUInt64(StunAttributeType.IceControlled, out tieBreaker);

    /// <summary>ERROR-CODE (RFC 8489 §14.8): class in bits 8–10 of the third byte, number in the fourth.</summary>
    public bool TryGetErrorCode(out int code, out ReadOnlySpan<byte> reasonUtf8)
    {
        code = 0;
        reasonUtf8 = default;
        if (!TryGetAttribute(StunAttributeType.ErrorCode, out var value) || value.Length < 4)
        {
            return false;
        }

        var errorClass = value[2] & 0x07;
        var number = value[3];
        if (errorClass is < 3 or > 6 || number > 99)
        {
            return false;
        }

        code = (errorClass * 100) + number;
        reasonUtf8 = value[4..];
        return true;
    }

    /// <summary>UNKNOWN-ATTRIBUTES (RFC 8489 §14.13): copies up to <paramref name="destination"/>.Length types.</summary>
    public bool TryGetUnknownAttributes(Span<ushort> destination, out int count)
    {
        count = 0;
        if (!TryGetAttribute(StunAttributeType.UnknownAttributes, out var value) || (value.Length & 1) != 0)
        {
            return false;
        }

        for (var i = 0; i + 1 < value.Length && count < destination.Length; i += 2)
        {
            destination[count++] = BinaryPrimitives.ReadUInt16BigEndian(value[i..]);
        }

        return true;
    }

    /// <summary>MAPPED-ADDRESS; false when absent or malformed.</summary>
    public bool TryGetMappedAddress(out IPEndPoint? endPoint) =>
        StunAddressCodec.TryRead(this, StunAttributeType.MappedAddress, xor: false, out endPoint);

    /// <summary>XOR-MAPPED-ADDRESS, unmasked; false when absent or malformed.</summary>
    public bool TryGetXorMappedAddress(out IPEndPoint? endPoint) =>
        StunAddressCodec.TryRead(this, StunAttributeType.XorMappedAddress, xor: true, out endPoint);

    /// <summary>
    /// Collects comprehension-required attributes this implementation does not understand (RFC 8489 §6.3.1), for a 420
    /// response. Returns the number written to <paramref name="destination"/>.
    /// </summary>
    public int GetUnknownComprehensionRequired(Span<ushort> destination)
    {
        var count = 0;
        foreach (var attribute in Attributes)
        {
            if (!StunAttributeType.IsKnown(attribute.Type) && count < destination.Length)
            {
                destination[count++] = attribute.Type;
            }
        }

        return count;
    }

    /// <summary>
    /// Checks MESSAGE-INTEGRITY (RFC 8489 §14.5): HMAC-SHA1 keyed with <paramref name="key"/> over the message up to the
    /// attribute, with the header length adjusted to end just after it. For short-term credentials the key is the
    /// password (RFC 8489 §9.1.1); see <see cref="StunCredentials"/>.
    /// </summary>
    public bool VerifyMessageIntegrity(ReadOnlySpan<byte> key)
    {
        if (!TryFindAttribute(StunAttributeType.MessageIntegrity, out var offset, out var length)
            || length != StunConstants.MessageIntegrityLength)
        {
            return false;
        }

        byte[]? rented = null;
        var copy = offset <= 1024 ? stackalloc byte[offset] : (rented = ArrayPool<byte>.Shared.Rent(offset)).AsSpan(0, offset);
        try
        {
            _message[..offset].CopyTo(copy);
            BinaryPrimitives.WriteUInt16BigEndian(copy[2..], (ushort)(offset - StunConstants.HeaderLength + 24));
            Span<byte> mac = stackalloc byte[StunConstants.MessageIntegrityLength];
            HMACSHA1.HashData(key, copy, mac);
            return CryptographicOperations.FixedTimeEquals(mac, _message.Slice(offset + 4, StunConstants.MessageIntegrityLength));
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>FINGERPRINT (RFC 8489 §14.7): CRC-32 of the message up to the attribute, XOR 0x5354554E.</summary>
    public bool VerifyFingerprint()
    {
        if (!TryGetFingerprintOffset(out var offset))
        {
            return false;
        }

        var expected = Crc32.Compute(_message[..offset]) ^ StunConstants.FingerprintXor;
        return BinaryPrimitives.ReadUInt32BigEndian(_message[(offset + 4)..]) == expected;
    }

    /// <summary>Whether the message ends with a FINGERPRINT (check it with <see cref="VerifyFingerprint"/>).</summary>
    public bool HasFingerprint => TryGetFingerprintOffset(out _);

    private bool TryGetFingerprintOffset(out int offset)
    {
        // TryParse guarantees that a FINGERPRINT is the last attribute, so it can only sit in the last 8 bytes.
        offset = _message.Length - 8;
        return offset >= StunConstants.HeaderLength
            && BinaryPrimitives.ReadUInt16BigEndian(_message[offset..]) == StunAttributeType.Fingerprint;
    }

    private bool TryGetUInt32(ushort type, out uint value)
    {
        value = 0;
        if (!TryGetAttribute(type, out var raw) || raw.Length != 4)
        {
            return false;
        }

        value = BinaryPrimitives.ReadUInt32BigEndian(raw);
        return true;
    }

    private bool TryGetUInt64(ushort type, out ulong value)
    {
        value = 0;
        if (!TryGetAttribute(type, out var raw) || raw.Length != 8)
        {
            return false;
        }

        value = BinaryPrimitives.ReadUInt64BigEndian(raw);
        return true;
    }
}
