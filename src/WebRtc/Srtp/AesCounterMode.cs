using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;

namespace CommunityStream.WebRtc.Srtp;

/// <summary>
/// AES in counter mode as SRTP defines it (RFC 3711 §4.1.1): keystream block i is AES_k(IV + i mod 2^128). Counter
/// blocks are laid out in a reusable buffer and encrypted in one ECB call through a kept <see cref="ICryptoTransform"/>,
/// so a packet costs one native call and no allocation. Not thread-safe: one instance per direction.
/// </summary>
internal sealed class AesCounterMode : IDisposable
{
    private const int BlockSize = 16;
    private readonly Aes _aes;
    private readonly ICryptoTransform _ecb;
    private byte[] _counters;
    private byte[] _keystream;

    public AesCounterMode(ReadOnlySpan<byte> key, int initialCapacity = 1536)
    {
        _aes = Aes.Create();
        _aes.Key = key.ToArray();
        _aes.Mode = CipherMode.ECB;
        _aes.Padding = PaddingMode.None;
        _ecb = _aes.CreateEncryptor();
        var capacity = (initialCapacity + BlockSize - 1) & ~(BlockSize - 1);
        _counters = new byte[capacity];
        _keystream = new byte[capacity];
    }

    /// <summary>XORs <paramref name="data"/> in place with the keystream that starts at counter <paramref name="iv"/>.</summary>
    public void Transform(ReadOnlySpan<byte> iv, Span<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        var blocks = (data.Length + BlockSize - 1) / BlockSize;
        var bytes = blocks * BlockSize;
        if (bytes > _counters.Length)
        {
            // Grows once to the largest packet seen; steady state allocates nothing.
            _counters = new byte[bytes];
            _keystream = new byte[bytes];
        }

        var high = BinaryPrimitives.ReadUInt64BigEndian(iv);
        var low = BinaryPrimitives.ReadUInt64BigEndian(iv[8..]);
        var counters = _counters.AsSpan(0, bytes);
        for (var i = 0; i < blocks; i++)
        {
            var block = counters.Slice(i * BlockSize, BlockSize);
            var sum = low + (ulong)i;
            BinaryPrimitives.WriteUInt64BigEndian(block, sum < low ? high + 1 : high);
            BinaryPrimitives.WriteUInt64BigEndian(block[8..], sum);
        }

        _ecb.TransformBlock(_counters, 0, bytes, _keystream, 0);
        Xor(data, _keystream);
    }

    private static void Xor(Span<byte> data, ReadOnlySpan<byte> keystream)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= data.Length - Vector<byte>.Count; i += Vector<byte>.Count)
            {
                (new Vector<byte>(data[i..]) ^ new Vector<byte>(keystream[i..])).CopyTo(data[i..]);
            }
        }

        for (; i < data.Length; i++)
        {
            data[i] ^= keystream[i];
        }
    }

    public void Dispose()
    {
        _ecb.Dispose();
        _aes.Dispose();
    }
}
