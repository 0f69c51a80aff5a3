using System.Buffers.Binary;

namespace CommunityStream.Media.Hls.Packaging;

/// <summary>
/// Writes ISO BMFF boxes (ISO/IEC 14496-12) big-endian into one reusable buffer: <see cref="Begin"/> reserves a
/// box's size field and <see cref="End"/> fills it in, so nesting costs no allocation. The buffer only grows, and is
/// reused across fragments by <see cref="Reset"/>.
/// </summary>
internal sealed class Mp4BoxWriter(int initialCapacity = 4096)
{
    private byte[] _buffer = new byte[Math.Max(64, initialCapacity)];

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, Length);

    public void Reset() => Length = 0;

    public byte[] ToArray() => Written.ToArray();

    /// <summary>Starts a box: returns its offset, to pass to <see cref="End"/>.</summary>
    public int Begin(uint type)
    {
        var start = Length;
        UInt32(0);
        UInt32(type);
        return start;
    }

    /// <summary>Starts a full box (version and 24-bit flags after the type).</summary>
    public int BeginFull(uint type, byte version, uint flags)
    {
        var start = Begin(type);
        UInt32(((uint)version << 24) | (flags & 0xFFFFFF));
        return start;
    }

    public void End(int start) => BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(start), (uint)(Length - start));

    public void UInt8(byte value) => Take(1)[0] = value;

    public void UInt16(ushort value) => BinaryPrimitives.WriteUInt16BigEndian(Take(2), value);

    public void UInt32(uint value) => BinaryPrimitives.WriteUInt32BigEndian(Take(4), value);

    public void UInt64(ulong value) => BinaryPrimitives.WriteUInt64BigEndian(Take(8), value);

    public void Zeros(int count) => Take(count).Clear();

    public void Bytes(ReadOnlySpan<byte> value) => value.CopyTo(Take(value.Length));

    /// <summary>Overwrites a 32-bit field written earlier (trun's data offset, known once the moof is complete).</summary>
    public void PatchUInt32(int offset, uint value) => BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(offset), value);

    /// <summary>The identity matrix of mvhd/tkhd (16.16 and 2.30 fixed point).</summary>
    public void UnityMatrix()
    {
        UInt32(0x00010000); UInt32(0); UInt32(0);
        UInt32(0); UInt32(0x00010000); UInt32(0);
        UInt32(0); UInt32(0); UInt32(0x40000000);
    }

    /// <summary>A four-character code as the big-endian integer the writer takes.</summary>
    public static uint FourCc(string code) =>
        ((uint)code[0] << 24) | ((uint)code[1] << 16) | ((uint)code[2] << 8) | code[3];

    private Span<byte> Take(int count)
    {
        if (Length + count > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, Length + count));
        }
        var span = _buffer.AsSpan(Length, count);
        Length += count;
        return span;
    }
}
