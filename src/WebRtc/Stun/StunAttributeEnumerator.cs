using System.Buffers.Binary;

namespace CommunityStream.WebRtc.Stun;

/// <summary>One attribute of a STUN message, viewed in place: type, unpadded value and offset of its header.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "RFC 8489 names it an attribute.")]
public readonly ref struct StunAttribute
{
    internal StunAttribute(ushort type, ReadOnlySpan<byte> value, int offset)
    {
        Type = type;
        Value = value;
        Offset = offset;
    }

    /// <summary>The attribute type (see <see cref="StunAttributeType"/>).</summary>
    public ushort Type { get; }

    /// <summary>The value, without the 4-byte attribute header and without padding.</summary>
    public ReadOnlySpan<byte> Value { get; }

    /// <summary>Offset of the attribute's header from the start of the message.</summary>
    public int Offset { get; }
}

/// <summary>Walks the attributes of a message that <see cref="StunMessageReader.TryParse"/> already validated.</summary>
public ref struct StunAttributeEnumerator
{
    private readonly ReadOnlySpan<byte> _message;
    private int _next;

    internal StunAttributeEnumerator(ReadOnlySpan<byte> message)
    {
        _message = message;
        _next = StunConstants.HeaderLength;
        Current = default;
    }

    /// <summary>The attribute <see cref="MoveNext"/> moved to.</summary>
    public StunAttribute Current { get; private set; }

    /// <summary>Lets <c>foreach</c> walk the attributes.</summary>
    public readonly StunAttributeEnumerator GetEnumerator() => this;

    /// <summary>Moves to the next attribute; false at the end of the message.</summary>
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
