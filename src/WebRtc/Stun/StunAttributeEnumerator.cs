using System.Buffers.Binary;

namespace CommunityStream.WebRtc.Stun;

/// <summary>One attribute of a STUN message, viewed in place: type, unpadded value and offset of its header.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "RFC 8489 names it an attribute.")]
public readonly ref struct StunAttribute(ushort type, ReadOnlySpan<byte> value, int offset)
{
    public ushort Type { get; } = type;

    public ReadOnlySpan<byte> Value { get; } = value;

    public int Offset { get; } = offset;
}

/// <summary>Walks the attributes of a message that <see cref="StunMessageReader.TryParse"/> already validated.</summary>
public ref struct StunAttributeEnumerator
{
    private readonly ReadOnlySpan<byte> _message;
    private int _next;

    public StunAttributeEnumerator(ReadOnlySpan<byte> message)
    {
        _message = message;
        _next = StunConstants.HeaderLength;
        Current = default;
    }

    public StunAttribute Current { get; private set; }

    public readonly StunAttributeEnumerator GetEnumerator() => this;

    public bool MoveNext()
    {
        if (_message.Length - _next < 4)
        {
            return false;
        }

        var type = BinaryPrimitives.ReadUInt16BigEndian(_message[_next..]);
        var length = BinaryPrimitives.ReadUInt16BigEndian(_message[(_next + 2)..]);
        if (length > _message.Length - _next - 4)
        {
            return false;
        }

        Current = new StunAttribute(type, _message.Slice(_next + 4, length), _next);
        _next += StunConstants.PaddedAttributeSize(length);
        return true;
    }
}
