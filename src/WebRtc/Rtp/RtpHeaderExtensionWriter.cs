using System.Buffers.Binary;

namespace CommunityStream.WebRtc.Rtp;

/// <summary>
/// Appends an RFC 8285 header extension block after a header written by <see cref="RtpHeader.Write"/>: one-byte form
/// (ids 1–14, 1–16 bytes each) or two-byte form (ids 1–255, 0–255 bytes). <see cref="Complete"/> pads to 32 bits,
/// fills in the length and sets the X bit; it returns the new header length.
/// </summary>
public ref struct RtpHeaderExtensionWriter
{
    private readonly Span<byte> _packet;
    private readonly int _blockStart;
    private readonly bool _twoByte;
    private int _position;

    /// <summary>Starts an extension block right after the header.</summary>
    /// <param name="packet">The packet buffer, with room for the block after <paramref name="headerLength"/>.</param>
    /// <param name="headerLength">Length of the header already written (what <see cref="RtpHeader.Write"/> returned).</param>
    /// <param name="twoByte">Two-byte form (RFC 8285 §4.3) instead of one-byte (§4.2).</param>
    public RtpHeaderExtensionWriter(Span<byte> packet, int headerLength, bool twoByte)
    {
        if (packet.Length < headerLength + 4)
        {
            throw new ArgumentException("Buffer too small for a header extension.", nameof(packet));
        }

        _packet = packet;
        _twoByte = twoByte;
        BinaryPrimitives.WriteUInt16BigEndian(packet[headerLength..], twoByte ? RtpHeader.TwoByteProfile : RtpHeader.OneByteProfile);
        _blockStart = headerLength + 4;
        _position = _blockStart;
    }

    /// <summary>Appends element <paramref name="id"/> with <paramref name="value"/>; throws when the id or length does not fit the form or the buffer.</summary>
    public void Add(int id, ReadOnlySpan<byte> value)
    {
        if (_twoByte)
        {
            if (id is < 1 or > 255 || value.Length > 255)
            {
                throw new ArgumentOutOfRangeException(nameof(id), "Two-byte elements have ids 1–255 and at most 255 bytes.");
            }

            EnsureRoom(2 + value.Length);
            _packet[_position++] = (byte)id;
            _packet[_position++] = (byte)value.Length;
        }
        else
        {
            if (id is < 1 or > 14 || value.Length is < 1 or > 16)
            {
                throw new ArgumentOutOfRangeException(nameof(id), "One-byte elements have ids 1–14 and 1–16 bytes.");
            }

            EnsureRoom(1 + value.Length);
            _packet[_position++] = (byte)((id << 4) | (value.Length - 1));
        }

        value.CopyTo(_packet[_position..]);
        _position += value.Length;
    }

    /// <summary>Pads the block to 32 bits, writes its length, sets the X bit and returns the new header length (where the payload goes).</summary>
    public int Complete()
    {
        var padded = (_position - _blockStart + 3) & ~3;
        EnsureRoom(_blockStart + padded - _position);
        _packet[_position..(_blockStart + padded)].Clear();
        BinaryPrimitives.WriteUInt16BigEndian(_packet[(_blockStart - 2)..], (ushort)(padded / 4));
        _packet[0] |= 0x10;
        return _blockStart + padded;
    }

    private readonly void EnsureRoom(int bytes)
    {
        if (_packet.Length - _position < bytes)
        {
            throw new InvalidOperationException("Header extension does not fit the buffer.");
        }
    }
}
