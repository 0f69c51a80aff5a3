using System.Buffers.Binary;

namespace CommunityStream.Fuzz;

/// <summary>
/// A seeded, in-process mutator in the manner of AFL's havoc stage: each input is a valid seed with one to eight
/// stacked mutations (bit flips, byte overwrites, inserts, deletes, truncation, splicing with another seed, interesting
/// integers, length fields made to lie, dictionary tokens, chunk repeats, and for text formats whole lines repeated,
/// dropped or moved), or now and then pure noise. The same
/// <see cref="Random"/> seed gives the same inputs, so a failure reproduces from the seed and iteration.
/// </summary>
internal sealed class Mutator
{
    // The boundary values that break length and index arithmetic (AFL's interesting_8/16/32).
    private static readonly long[] Interesting =
    [
        0, 1, 2, 3, 4, 7, 8, 12, 16, 20, 31, 32, 63, 64, 100, 127, 128, 255, 256, 512, 1000, 1024, 4096, 32767, 32768, 65535,
        65536, 100_000, int.MaxValue, unchecked((uint)int.MinValue), uint.MaxValue, -1, -2, -128, -32768,
    ];

    private readonly Random _random;
    private readonly IReadOnlyList<byte[]> _seeds;
    private readonly IReadOnlyList<byte[]> _dictionary;
    private readonly int _maxLength;
    private readonly byte[] _work;

    public Mutator(Random random, IReadOnlyList<byte[]> seeds, IReadOnlyList<byte[]> dictionary, int maxLength)
    {
        if (seeds.Count == 0)
        {
            throw new ArgumentException("At least one seed.", nameof(seeds));
        }
        _random = random;
        _seeds = seeds;
        _dictionary = dictionary;
        _maxLength = maxLength;
        _work = new byte[maxLength];
    }

    /// <summary>The next input; valid until the next call.</summary>
    public ReadOnlySpan<byte> Next()
    {
        var seed = _seeds[_random.Next(_seeds.Count)];
        var length = Math.Min(seed.Length, _maxLength);
        seed.AsSpan(0, length).CopyTo(_work);
        if (_random.Next(32) == 0)
        {
            // Pure noise, often keeping the seed's first byte so it reaches the parser past the demultiplexer.
            length = _random.Next(0, Math.Min(_maxLength, 2 * seed.Length + 16));
            _random.NextBytes(_work.AsSpan(0, length));
            if (length > 0 && seed.Length > 0 && _random.Next(2) == 0)
            {
                _work[0] = seed[0];
            }
            return _work.AsSpan(0, length);
        }
        for (var stacked = 1 << _random.Next(4); stacked > 0; stacked--)
        {
            length = MutateOnce(length);
        }
        return _work.AsSpan(0, length);
    }

    private int MutateOnce(int length)
    {
        switch (_random.Next(13))
        {
            case 11 when length > 0 && _work.AsSpan(0, length).Contains((byte)'\n'): // text formats: repeat, drop or move a line
                return MutateLine(length);
            case 0 when length > 0: // bit flip
                _work[_random.Next(length)] ^= (byte)(1 << _random.Next(8));
                return length;
            case 1 when length > 0: // random byte
                _work[_random.Next(length)] = (byte)_random.Next(256);
                return length;
            case 2: // insert random bytes
                return Insert(length, RandomBytes(_random.Next(1, 9)));
            case 3 when length > 0: // delete a range
                return Delete(length, _random.Next(length), _random.Next(1, Math.Min(length, 16) + 1));
            case 4: // truncate
                return _random.Next(0, length + 1);
            case 5: // splice: a chunk of another seed, overwritten or inserted
                var other = _seeds[_random.Next(_seeds.Count)];
                var start = _random.Next(other.Length + 1);
                var chunk = other.AsSpan(start, _random.Next(other.Length - start + 1));
                return _random.Next(2) == 0 ? Insert(length, chunk) : Overwrite(length, chunk);
            case 6 when length > 0: // an interesting integer, 1, 2 or 4 bytes, either byte order
                return WriteInteger(length, Interesting[_random.Next(Interesting.Length)]);
            case 7 when length > 1: // a length field that lies: near the real size, the rest, or huge
                var remaining = length - _random.Next(length);
                long lie = _random.Next(5) switch
                {
                    0 => length,
                    1 => remaining,
                    2 => remaining / 4,
                    3 => ushort.MaxValue - _random.Next(4),
                    _ => remaining + _random.Next(-8, 9),
                };
                return WriteInteger(length, lie);
            case 8 when _dictionary.Count > 0: // a token of the format, overwritten or inserted
                var token = _dictionary[_random.Next(_dictionary.Count)];
                return _random.Next(2) == 0 ? Insert(length, token) : Overwrite(length, token);
            case 9 when length > 0: // repeat a chunk (nesting, repeated attributes, many packets)
                var from = _random.Next(length);
                var repeat = _work.AsSpan(from, _random.Next(1, Math.Min(length - from, 64) + 1)).ToArray();
                for (var times = _random.Next(1, 5); times > 0; times--)
                {
                    length = Insert(length, repeat);
                }
                return length;
            case 10 when length > 0: // a run of one byte value (0x00, 0xFF or random)
                var runStart = _random.Next(length);
                var value = (byte)(_random.Next(3) switch { 0 => 0, 1 => 0xFF, _ => _random.Next(256) });
                _work.AsSpan(runStart, _random.Next(1, Math.Min(length - runStart, 32) + 1)).Fill(value);
                return length;
            default: // add or subtract a small number to a byte (counters, versions, types)
                if (length > 0)
                {
                    _work[_random.Next(length)] += (byte)_random.Next(-16, 17);
                }
                return length;
        }
    }

    private int MutateLine(int length)
    {
        var (start, end) = LineAt(length, _random.Next(length));
        var line = _work.AsSpan(start, end - start).ToArray();
        switch (_random.Next(3))
        {
            case 0:
                return InsertAt(length, end, line);
            case 1:
                return Delete(length, start, line.Length);
            default:
                length = Delete(length, start, line.Length);
                var (to, _) = LineAt(length, _random.Next(length + 1));
                return InsertAt(length, to, line);
        }
    }

    // The line (with its '\n') around position at.
    private (int Start, int End) LineAt(int length, int at)
    {
        var text = _work.AsSpan(0, length);
        var start = at == 0 ? 0 : text[..at].LastIndexOf((byte)'\n') + 1;
        var next = start < length ? text[start..].IndexOf((byte)'\n') : -1;
        return (start, next < 0 ? length : start + next + 1);
    }

    private int WriteInteger(int length, long value)
    {
        var width = 1 << _random.Next(3);
        if (length < width)
        {
            return length;
        }
        var at = _random.Next(length - width + 1);
        // Prefer aligned offsets: binary formats put their fields there.
        if (_random.Next(2) == 0)
        {
            at &= ~(width - 1);
        }
        var span = _work.AsSpan(at, width);
        var bigEndian = _random.Next(4) != 0;
        switch (width)
        {
            case 1:
                span[0] = (byte)value;
                break;
            case 2 when bigEndian:
                BinaryPrimitives.WriteUInt16BigEndian(span, (ushort)value);
                break;
            case 2:
                BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)value);
                break;
            case 4 when bigEndian:
                BinaryPrimitives.WriteUInt32BigEndian(span, (uint)value);
                break;
            default:
                BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)value);
                break;
        }
        return length;
    }

    private int Insert(int length, ReadOnlySpan<byte> bytes) => InsertAt(length, _random.Next(length + 1), bytes);

    private int InsertAt(int length, int at, ReadOnlySpan<byte> bytes)
    {
        var count = Math.Min(bytes.Length, _maxLength - length);
        if (count <= 0)
        {
            return length;
        }
        _work.AsSpan(at, length - at).CopyTo(_work.AsSpan(at + count));
        bytes[..count].CopyTo(_work.AsSpan(at));
        return length + count;
    }

    private int Overwrite(int length, ReadOnlySpan<byte> bytes)
    {
        var at = _random.Next(length + 1);
        var count = Math.Min(bytes.Length, _maxLength - at);
        bytes[..count].CopyTo(_work.AsSpan(at));
        return Math.Max(length, at + count);
    }

    private int Delete(int length, int at, int count)
    {
        count = Math.Min(count, length - at);
        _work.AsSpan(at + count, length - at - count).CopyTo(_work.AsSpan(at));
        return length - count;
    }

    private byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        _random.NextBytes(bytes);
        return bytes;
    }
}
