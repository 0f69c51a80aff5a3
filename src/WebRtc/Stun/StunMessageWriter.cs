using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace CommunityStream.WebRtc.Stun;

/// <summary>
/// Writes one STUN message into a caller buffer (RFC 8489 §5, §14). The header length is kept current after every
/// attribute, so MESSAGE-INTEGRITY and FINGERPRINT can be computed in place. Running out of buffer is a programming
/// error and throws; parsing never does.
/// </summary>
public ref struct StunMessageWriter
{
    /// <summary>Length of a transaction id (RFC 8489 §5): 96 bits.</summary>
    public const int TransactionIdLength = StunConstants.TransactionIdLength;

    private readonly Span<byte> _buffer;
    private readonly byte _padding;
    private int _length;

    /// <param name="buffer">Destination; at least 20 bytes plus the attributes.</param>
    /// <param name="type">Message type.</param>
    /// <param name="transactionId">12-byte transaction id (RFC 8489 §5).</param>
    /// <param name="padding">Byte used to pad attribute values to 32 bits: 0 by default; RFC 5769's vectors use 0x20.</param>
    public StunMessageWriter(Span<byte> buffer, StunMessageType type, ReadOnlySpan<byte> transactionId, byte padding = 0)
    {
        if (buffer.Length < StunConstants.HeaderLength)
        {
            throw new ArgumentException("Buffer too small for a STUN header.", nameof(buffer));
        }

        if (transactionId.Length != StunConstants.TransactionIdLength)
        {
            throw new ArgumentException("A STUN transaction id is 12 bytes.", nameof(transactionId));
        }

        _buffer = buffer;
        _padding = padding;
        BinaryPrimitives.WriteUInt16BigEndian(buffer, type.ToUInt16());
        BinaryPrimitives.WriteUInt16BigEndian(buffer[2..], 0);
        BinaryPrimitives.WriteUInt32BigEndian(buffer[4..], StunConstants.MagicCookie);
        transactionId.CopyTo(buffer[8..]);
        _length = StunConstants.HeaderLength;
    }

    /// <summary>Bytes written so far, header included.</summary>
    public readonly int Length => _length;

    /// <summary>The message written so far.</summary>
    public readonly ReadOnlySpan<byte> Written => _buffer[.._length];

    private readonly ReadOnlySpan<byte> TransactionId => _buffer.Slice(8, StunConstants.TransactionIdLength);

    /// <summary>Fills the first 12 bytes of <paramref name="destination"/> with a random transaction id.</summary>
    public static void NewTransactionId(Span<byte> destination) =>
        RandomNumberGenerator.Fill(destination[..StunConstants.TransactionIdLength]);

    /// <summary>Appends an attribute with <paramref name="value"/>, padded to 32 bits.</summary>
    public void AddAttribute(ushort type, ReadOnlySpan<byte> value) => value.CopyTo(Reserve(type, value.Length));

    /// <summary>Appends USERNAME (ICE: <c>receiver-ufrag:sender-ufrag</c>).</summary>
    public void AddUsername(ReadOnlySpan<byte> username) => AddAttribute(StunAttributeType.Username, username);

    /// <summary>Appends SOFTWARE, UTF-8.</summary>
    public void AddSoftware(string software)
    {
        var byteCount = Encoding.UTF8.GetByteCount(software);
        Encoding.UTF8.GetBytes(software, Reserve(StunAttributeType.Software, byteCount));
    }

    /// <summary>Appends PRIORITY.</summary>
    public void AddPriority(uint priority) =>
        BinaryPrimitives.WriteUInt32BigEndian(Reserve(StunAttributeType.Priority, 4), priority);

    /// <summary>Appends USE-CANDIDATE (empty).</summary>
    public void AddUseCandidate() => Reserve(StunAttributeType.UseCandidate, 0);

    /// <summary>Appends ICE-CONTROLLING with <paramref name="tieBreaker"/>.</summary>
    public void AddIceControlling(ulong tieBreaker) =>
        BinaryPrimitives.WriteUInt64BigEndian(Reserve(StunAttributeType.IceControlling, 8), tieBreaker);

    /// <summary>Appends ICE-CONTROLLED with <paramref name="tieBreaker"/>.</summary>
    public void AddIceControlled(ulong tieBreaker) =>
        BinaryPrimitives.WriteUInt64BigEndian(Reserve(StunAttributeType.IceControlled, 8), tieBreaker);

    /// <summary>Appends MAPPED-ADDRESS.</summary>
    public void AddMappedAddress(IPAddress address, int port)
    {
        var value = Reserve(StunAttributeType.MappedAddress, StunAddressCodec.ValueLength(address));
        StunAddressCodec.Write(value, address, port, xor: false, default);
    }

    /// <summary>Appends XOR-MAPPED-ADDRESS, masked with the cookie and this message's transaction id.</summary>
    public void AddXorMappedAddress(IPAddress address, int port)
    {
        var value = Reserve(StunAttributeType.XorMappedAddress, StunAddressCodec.ValueLength(address));
        StunAddressCodec.Write(value, address, port, xor: true, TransactionId);
    }

    /// <summary>ERROR-CODE (RFC 8489 §14.8): class = code / 100 in the low 3 bits of byte 2, number = code % 100.</summary>
    public void AddErrorCode(int code, string? reason = null)
    {
        if (code is < 300 or > 699)
        {
            throw new ArgumentOutOfRangeException(nameof(code), code, "STUN error codes are 300–699.");
        }

        reason ??= StunErrorCode.DefaultReason(code);
        var reasonLength = Encoding.UTF8.GetByteCount(reason);
        var value = Reserve(StunAttributeType.ErrorCode, 4 + reasonLength);
        value[0] = 0;
        value[1] = 0;
        value[2] = (byte)(code / 100);
        value[3] = (byte)(code % 100);
        Encoding.UTF8.GetBytes(reason, value[4..]);
    }

    /// <summary>Appends UNKNOWN-ATTRIBUTES listing <paramref name="types"/>.</summary>
    public void AddUnknownAttributes(ReadOnlySpan<ushort> types)
    {
        var value = Reserve(StunAttributeType.UnknownAttributes, types.Length * 2);
        for (var i = 0; i < types.Length; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(value[(i * 2)..], types[i]);
        }
    }

    /// <summary>MESSAGE-INTEGRITY (RFC 8489 §14.5): HMAC-SHA1 over everything before it, header length covering it.</summary>
    public void AddMessageIntegrity(ReadOnlySpan<byte> key)
    {
        var start = _length;
        var value = Reserve(StunAttributeType.MessageIntegrity, StunConstants.MessageIntegrityLength);
        HMACSHA1.HashData(key, _buffer[..start], value);
    }

    /// <summary>FINGERPRINT (RFC 8489 §14.7): must be the last attribute.</summary>
    public void AddFingerprint()
    {
        var start = _length;
        var value = Reserve(StunAttributeType.Fingerprint, StunConstants.FingerprintLength);
        BinaryPrimitives.WriteUInt32BigEndian(value, Crc32.Compute(_buffer[..start]) ^ StunConstants.FingerprintXor);
    }

    private Span<byte> Reserve(ushort type, int valueLength)
    {
        var size = StunConstants.PaddedAttributeSize(valueLength);
        if (valueLength > ushort.MaxValue || size > _buffer.Length - _length)
        {
            throw new InvalidOperationException("STUN message does not fit the buffer.");
        }

        var attribute = _buffer.Slice(_length, size);
        BinaryPrimitives.WriteUInt16BigEndian(attribute, type);
        BinaryPrimitives.WriteUInt16BigEndian(attribute[2..], (ushort)valueLength);
        attribute[(4 + valueLength)..].Fill(_padding);
        _length += size;
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[2..], (ushort)(_length - StunConstants.HeaderLength));
        return attribute.Slice(4, valueLength);
    }
}
