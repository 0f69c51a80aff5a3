using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;
using Aes = System.Runtime.Intrinsics.X86.Aes;

namespace CommunityStream.WebRtc.Srtp;

/// <summary>How wide <see cref="HardwareAesGcm"/> runs GHASH; AES rounds are 128-bit AES-NI on both.</summary>
public enum HardwareAesGcmPath
{
    /// <summary>PCLMULQDQ, one block per multiply, eight blocks per reduction.</summary>
    Vector128,

    /// <summary>VPCLMULQDQ on 256-bit registers, two blocks per multiply, sixteen blocks per reduction.</summary>
    Vector256,
}

/// <summary>
/// AES-128-GCM (NIST SP 800-38D) on AES-NI and PCLMULQDQ, for 96-bit nonces and 16-byte tags only — all SRTP needs.
/// Exists because <see cref="AesGcm"/> pays more in per-call OpenSSL overhead than in cipher work on a 1,200-byte
/// packet, and the fan-out seals every packet once per viewer. Allocation-free; not thread-safe (one per direction).
/// </summary>
/// <remarks>
/// GHASH works on byte-reversed blocks, so a register holds the bit-reflected polynomial. Multiplying two reflected
/// values gives the reflected product times y^-127 short of what we want; instead of shifting each product we store
/// the powers of H pre-multiplied by y (H·y mod P'), and reduce with a Montgomery step that divides by y^128: two
/// 64-bit folds by the constant 0xC2000000_00000000 (y^63 + y^62 + y^57, the reflected x^7 + x^2 + x). Products of
/// up to eight blocks are summed unreduced (Karatsuba, three PCLMULs each) and reduced once. AES-NI and PCLMULQDQ are
/// constant-time and nothing indexes memory by secret data.
/// <para>
/// Where VPCLMULQDQ exists the <see cref="HardwareAesGcmPath.Vector256"/> path hashes two blocks per instruction
/// against a descending table of H^16..H^1 (lane-wise, so an unaligned 256-bit load yields the pair of powers two
/// adjacent blocks need) and reduces once per sixteen blocks. .NET 10 exposes no VAES intrinsics, so AES stays 128-bit.
/// </para>
/// </remarks>
public sealed class HardwareAesGcm : IDisposable
{
    /// <summary>AES-128 key length.</summary>
    public const int KeyLength = 16;
    /// <summary>The only nonce length supported (96 bits, as SRTP uses).</summary>
    public const int NonceLength = 12;
    /// <summary>The only tag length supported (128 bits).</summary>
    public const int TagLength = 16;
    private const int BlockSize = 16;
    private const int Rounds = 10;

    /// <summary>Blocks per main-loop iteration: eight independent AESENC chains hide the instruction latency.</summary>
    private const int Stride = 8;

    /// <summary>Blocks per reduction on the 256-bit path: two 8-block AES batches, then one GHASH pass.</summary>
    private const int WideStride = 16;

    /// <summary>Up to 16 zero-padded tail blocks, the length block, and one spare block for the last pair load.</summary>
    private const int FinalBufferLength = (WideStride + 2) * BlockSize;

    private static readonly Vector128<byte> ReverseBytes =
        Vector128.Create((byte)15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);

    private static readonly Vector256<byte> ReverseBytes256 = Vector256.Create(ReverseBytes, ReverseBytes);

    private readonly Vector128<byte>[] _roundKeys = new Vector128<byte>[Rounds + 1];

    /// <summary>_hPowers[i] = H^(i+1)·y in the reflected domain; _hKaratsuba[i] = its two halves XORed (low lane).</summary>
    private readonly Vector128<ulong>[] _hPowers = new Vector128<ulong>[Stride];
    private readonly Vector128<ulong>[] _hKaratsuba = new Vector128<ulong>[Stride];

    /// <summary>
    /// The 256-bit path's tables: [i] = H^(16-i)·y for i &lt; 16 and zero at [16], so a pair load starting at
    /// 16 − n serves n blocks and an odd n's padding lane multiplies by zero; Karatsuba halves alike.
    /// </summary>
    private readonly Vector128<ulong>[] _hDescending = new Vector128<ulong>[WideStride + 1];
    private readonly Vector128<ulong>[] _hKaratsubaDescending = new Vector128<ulong>[WideStride + 1];

    private readonly bool _wide;

    /// <summary>Whether this CPU has what the 128-bit path needs: AES-NI, PCLMULQDQ, SSSE3 and SSE4.1.</summary>
    public static bool IsSupported => Aes.IsSupported && Pclmulqdq.IsSupported && Ssse3.IsSupported && Sse41.IsSupported;

    /// <summary>Whether this CPU runs the <see cref="HardwareAesGcmPath.Vector256"/> path.</summary>
    public static bool IsWideSupported => IsSupported && Avx2.IsSupported && Pclmulqdq.V256.IsSupported;

    /// <summary>Uses the widest path the CPU supports.</summary>
    public HardwareAesGcm(ReadOnlySpan<byte> key)
        : this(key, IsWideSupported ? HardwareAesGcmPath.Vector256 : HardwareAesGcmPath.Vector128)
    {
    }

    /// <summary>Forces a path, to test or measure the 128-bit one on CPUs that would pick the wider.</summary>
    public HardwareAesGcm(ReadOnlySpan<byte> key, HardwareAesGcmPath path)
    {
        if (!IsSupported)
        {
            throw new PlatformNotSupportedException("AES-NI and PCLMULQDQ are required.");
        }

        if (path == HardwareAesGcmPath.Vector256 && !IsWideSupported)
        {
            throw new PlatformNotSupportedException("The 256-bit path needs AVX2 and VPCLMULQDQ.");
        }

        if (key.Length != KeyLength)
        {
            throw new ArgumentException("AES-128 needs a 16-byte key.", nameof(key));
        }

        ExpandKey(Vector128.Create(key), _roundKeys);

        // H = E(K, 0^128), reflected, then multiplied by y (a 1-bit left shift, folding the carry back in with the
        // reflected polynomial 0xC2..01) — branch-free because H is secret.
        var h = ByteSwap(EncryptBlock(Vector128<byte>.Zero)).AsUInt64();
        var low = h.GetElement(0);
        var high = h.GetElement(1);
        var carry = 0UL - (high >> 63);
        var h1 = Vector128.Create(
            (low << 1) ^ (carry & 1UL),
            ((high << 1) | (low >> 63)) ^ (carry & 0xC200_0000_0000_0000UL));

        var power = h1;
        for (var i = 0; i < WideStride; i++)
        {
            var karatsuba = power ^ SwapHalves(power);
            if (i < Stride)
            {
                _hPowers[i] = power;
                _hKaratsuba[i] = karatsuba;
            }

            _hDescending[WideStride - 1 - i] = power;
            _hKaratsubaDescending[WideStride - 1 - i] = karatsuba;
            power = Multiply(power, h1);
        }

        _wide = path == HardwareAesGcmPath.Vector256;
    }

    /// <summary>The GHASH path this instance runs.</summary>
    public HardwareAesGcmPath Path => _wide ? HardwareAesGcmPath.Vector256 : HardwareAesGcmPath.Vector128;

    /// <summary>Encrypts <paramref name="data"/> in place and writes the 16-byte tag.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Encrypt(ReadOnlySpan<byte> nonce12, Span<byte> data, Span<byte> tag16, ReadOnlySpan<byte> associatedData)
    {
        var j0 = LoadNonce(nonce12);
        if (tag16.Length != TagLength)
        {
            throw new ArgumentException("The tag must be 16 bytes.", nameof(tag16));
        }

        if (_wide)
        {
            EncryptWide(j0, data, tag16, associatedData);
            return;
        }

        var y = Ghash(Vector128<ulong>.Zero, associatedData);

        // Each full stride is encrypted and then hashed while still in L1; the two use different execution units, so
        // the out-of-order core overlaps one stride's GHASH with the next stride's AES.
        ref var p = ref MemoryMarshal.GetReference(data);
        var counter = 2u;
        var offset = 0;
        for (; data.Length - offset >= Stride * BlockSize; offset += Stride * BlockSize, counter += Stride)
        {
            ref var block = ref Unsafe.Add(ref p, offset);
            XorKeystream8(j0, counter, ref block);
            y = GhashBlocks(y, ref block, Stride);
        }

        var tail = data[offset..];
        XorKeystream(j0, counter, tail);
        y = Ghash(y, tail);

        WriteTag(j0, y, associatedData.Length, data.Length, tag16);
    }

    /// <summary>
    /// Authenticates the ciphertext first and decrypts it in place only if the tag matches; on failure
    /// <paramref name="data"/> is left untouched.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryDecrypt(ReadOnlySpan<byte> nonce12, Span<byte> data, ReadOnlySpan<byte> tag16, ReadOnlySpan<byte> associatedData)
    {
        var j0 = LoadNonce(nonce12);
        if (tag16.Length != TagLength)
        {
            throw new ArgumentException("The tag must be 16 bytes.", nameof(tag16));
        }

        Span<byte> expected = stackalloc byte[TagLength];
        if (_wide)
        {
            WriteTagWide(j0, associatedData, data, expected);
        }
        else
        {
            var y = Ghash(Vector128<ulong>.Zero, associatedData);
            y = Ghash(y, data);
            WriteTag(j0, y, associatedData.Length, data.Length, expected);
        }

        if (!CryptographicOperations.FixedTimeEquals(expected, tag16))
        {
            return false;
        }

        ref var p = ref MemoryMarshal.GetReference(data);
        var counter = 2u;
        var offset = 0;
        for (; data.Length - offset >= Stride * BlockSize; offset += Stride * BlockSize, counter += Stride)
        {
            XorKeystream8(j0, counter, ref Unsafe.Add(ref p, offset));
        }

        XorKeystream(j0, counter, data[offset..]);
        return true;
    }

    /// <summary>Zeroes the key schedule and the powers of H.</summary>
    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(_roundKeys.AsSpan()));
        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(_hPowers.AsSpan()));
        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(_hKaratsuba.AsSpan()));
        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(_hDescending.AsSpan()));
        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(_hKaratsubaDescending.AsSpan()));
    }

    /// <summary>
    /// The 256-bit path's seal: 16-block strides straight from <paramref name="data"/>; the remainder is encrypted in
    /// a zeroed stack copy so that it, the GHASH padding and the length block hash in one pass.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void EncryptWide(Vector128<uint> j0, Span<byte> data, Span<byte> tag16, ReadOnlySpan<byte> associatedData)
    {
        // Issued first so its ten dependent rounds overlap the bulk work instead of trailing the last reduction.
        var tagMask = EncryptBlock(CounterBlock(j0, 1));
        var y = GhashWide(Vector128<ulong>.Zero, associatedData);

        ref var p = ref MemoryMarshal.GetReference(data);
        var counter = 2u;
        var offset = 0;
        for (; data.Length - offset >= WideStride * BlockSize; offset += WideStride * BlockSize, counter += WideStride)
        {
            ref var block = ref Unsafe.Add(ref p, offset);
            XorKeystream8(j0, counter, ref block);
            XorKeystream8(j0, counter + Stride, ref Unsafe.Add(ref block, Stride * BlockSize));
            y = GhashWideBlocks(y, ref block, WideStride);
        }

        var tail = data[offset..];
        var tailEnd = RoundUpToBlock(tail.Length);
        Span<byte> buffer = stackalloc byte[FinalBufferLength];
        buffer.Clear();
        tail.CopyTo(buffer);
        var done = 0;
        if (tailEnd >= Stride * BlockSize)
        {
            XorKeystream8(j0, counter, ref MemoryMarshal.GetReference(buffer));
            done = Stride * BlockSize;
        }

        XorKeystream(j0, counter + (uint)(done / BlockSize), buffer[done..tailEnd]);
        buffer[..tail.Length].CopyTo(tail);

        // The keystream landed on the padding too; GHASH wants it zero.
        buffer[tail.Length..tailEnd].Clear();
        y = GhashFinal(y, buffer, tailEnd, associatedData.Length, data.Length);
        (tagMask ^ ByteSwap(y.AsByte())).CopyTo(tag16);
    }

    /// <summary>The 256-bit path's tag computation for open: hashes without decrypting.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void WriteTagWide(Vector128<uint> j0, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> data, Span<byte> tag)
    {
        var y = GhashWide(Vector128<ulong>.Zero, associatedData);
        ref var p = ref MemoryMarshal.GetReference(data);
        var offset = 0;
        for (; data.Length - offset >= WideStride * BlockSize; offset += WideStride * BlockSize)
        {
            y = GhashWideBlocks(y, ref Unsafe.Add(ref p, offset), WideStride);
        }

        var tail = data[offset..];
        Span<byte> buffer = stackalloc byte[FinalBufferLength];
        buffer.Clear();
        tail.CopyTo(buffer);
        y = GhashFinal(y, buffer, RoundUpToBlock(tail.Length), associatedData.Length, data.Length);
        (EncryptBlock(CounterBlock(j0, 1)) ^ ByteSwap(y.AsByte())).CopyTo(tag);
    }

    private static int RoundUpToBlock(int length) => (length + BlockSize - 1) & ~(BlockSize - 1);

    /// <summary>
    /// Hashes <paramref name="buffer"/>[..<paramref name="end"/>] (the zero-padded tail) followed by the length block
    /// len(A) || len(C) in bits, written big-endian after it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector128<ulong> GhashFinal(Vector128<ulong> y, Span<byte> buffer, int end, int associatedLength, int dataLength)
    {
        BinaryPrimitives.WriteUInt64BigEndian(buffer[end..], (ulong)associatedLength * 8);
        BinaryPrimitives.WriteUInt64BigEndian(buffer[(end + 8)..], (ulong)dataLength * 8);
        var blocks = (end / BlockSize) + 1;
        ref var b = ref MemoryMarshal.GetReference(buffer);
        if (blocks > WideStride)
        {
            y = GhashWideBlocks(y, ref b, WideStride);
            b = ref Unsafe.Add(ref b, WideStride * BlockSize);
            blocks -= WideStride;
        }

        return GhashWideBlocks(y, ref b, blocks);
    }

    /// <summary>The 256-bit <see cref="Ghash"/>: whole strides in place, the rest from a zero-padded copy.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Vector128<ulong> GhashWide(Vector128<ulong> y, ReadOnlySpan<byte> data)
    {
        ref var p = ref MemoryMarshal.GetReference(data);
        var offset = 0;
        for (; data.Length - offset >= WideStride * BlockSize; offset += WideStride * BlockSize)
        {
            y = GhashWideBlocks(y, ref Unsafe.Add(ref p, offset), WideStride);
        }

        if (offset == data.Length)
        {
            return y;
        }

        Span<byte> buffer = stackalloc byte[WideStride * BlockSize];
        buffer.Clear();
        data[offset..].CopyTo(buffer);
        return GhashWideBlocks(y, ref MemoryMarshal.GetReference(buffer), RoundUpToBlock(data.Length - offset) / BlockSize);
    }

    /// <summary>
    /// <see cref="GhashBlocks"/> two blocks per register for <paramref name="count"/> (1..16) blocks; reads whole
    /// pairs, so for an odd count the 16 bytes after the last block must be readable (they meet a zero power).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector128<ulong> GhashWideBlocks(Vector128<ulong> y, ref byte p, int count)
    {
        ref var powers = ref Unsafe.As<Vector128<ulong>, ulong>(ref MemoryMarshal.GetArrayDataReference(_hDescending));
        ref var karatsuba = ref Unsafe.As<Vector128<ulong>, ulong>(ref MemoryMarshal.GetArrayDataReference(_hKaratsubaDescending));

        // Two ulongs per power: block i of n meets H^(n-i), at index 16 − n + i of the descending table.
        var first = (nuint)(WideStride - count) * 2;
        var x = Avx2.Shuffle(Vector256.LoadUnsafe(ref p), ReverseBytes256).AsUInt64() ^ y.ToVector256();
        var h = Vector256.LoadUnsafe(ref powers, first);
        var low = Pclmulqdq.V256.CarrylessMultiply(x, h, 0x00);
        var high = Pclmulqdq.V256.CarrylessMultiply(x, h, 0x11);
        var middle = Pclmulqdq.V256.CarrylessMultiply(x ^ SwapHalves(x), Vector256.LoadUnsafe(ref karatsuba, first), 0x00);
        for (var i = 2; i < count; i += 2)
        {
            x = Avx2.Shuffle(Vector256.LoadUnsafe(ref p, (nuint)(i * BlockSize)), ReverseBytes256).AsUInt64();
            var index = first + ((nuint)i * 2);
            h = Vector256.LoadUnsafe(ref powers, index);
            low ^= Pclmulqdq.V256.CarrylessMultiply(x, h, 0x00);
            high ^= Pclmulqdq.V256.CarrylessMultiply(x, h, 0x11);
            middle ^= Pclmulqdq.V256.CarrylessMultiply(x ^ SwapHalves(x), Vector256.LoadUnsafe(ref karatsuba, index), 0x00);
        }

        // The lanes' unreduced sums add like any other; one 128-bit reduction finishes.
        return Reduce(
            low.GetLower() ^ low.GetUpper(),
            middle.GetLower() ^ middle.GetUpper(),
            high.GetLower() ^ high.GetUpper());
    }

    /// <summary>J0 = nonce || 0x00000001 (SP 800-38D §7.1 for a 96-bit IV); counter words are big-endian.</summary>
    private static Vector128<uint> LoadNonce(ReadOnlySpan<byte> nonce12)
    {
        if (nonce12.Length != NonceLength)
        {
            throw new ArgumentException("Only 96-bit nonces are supported.", nameof(nonce12));
        }

        var head = MemoryMarshal.Read<ulong>(nonce12);
        var tail = MemoryMarshal.Read<uint>(nonce12[8..]);
        return Vector128.Create(head, tail).AsUInt32();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> CounterBlock(Vector128<uint> j0, uint counter) =>
        j0.WithElement(3, BinaryPrimitives.ReverseEndianness(counter)).AsByte();

    /// <summary>Tag = E(K, J0) XOR GHASH(A, C, len(A) || len(C) in bits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void WriteTag(Vector128<uint> j0, Vector128<ulong> y, int associatedLength, int dataLength, Span<byte> tag)
    {
        // The length block byte-reversed: len(C) lands in the low lane, len(A) in the high one.
        var lengths = Vector128.Create((ulong)dataLength * 8, (ulong)associatedLength * 8);
        y = Multiply(y ^ lengths, _hPowers[0]);
        var result = EncryptBlock(CounterBlock(j0, 1)) ^ ByteSwap(y.AsByte());
        result.CopyTo(tag);
    }

    /// <summary>XORs eight keystream blocks, counters <paramref name="counter"/> onwards, into 128 bytes at <paramref name="p"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void XorKeystream8(Vector128<uint> j0, uint counter, ref byte p)
    {
        ref var keys = ref MemoryMarshal.GetArrayDataReference(_roundKeys);
        var k = keys;
        var b0 = CounterBlock(j0, counter) ^ k;
        var b1 = CounterBlock(j0, counter + 1) ^ k;
        var b2 = CounterBlock(j0, counter + 2) ^ k;
        var b3 = CounterBlock(j0, counter + 3) ^ k;
        var b4 = CounterBlock(j0, counter + 4) ^ k;
        var b5 = CounterBlock(j0, counter + 5) ^ k;
        var b6 = CounterBlock(j0, counter + 6) ^ k;
        var b7 = CounterBlock(j0, counter + 7) ^ k;
        for (var round = 1; round < Rounds; round++)
        {
            k = Unsafe.Add(ref keys, round);
            b0 = Aes.Encrypt(b0, k);
            b1 = Aes.Encrypt(b1, k);
            b2 = Aes.Encrypt(b2, k);
            b3 = Aes.Encrypt(b3, k);
            b4 = Aes.Encrypt(b4, k);
            b5 = Aes.Encrypt(b5, k);
            b6 = Aes.Encrypt(b6, k);
            b7 = Aes.Encrypt(b7, k);
        }

        k = Unsafe.Add(ref keys, Rounds);
        (Vector128.LoadUnsafe(ref p, 0) ^ Aes.EncryptLast(b0, k)).StoreUnsafe(ref p, 0);
        (Vector128.LoadUnsafe(ref p, 16) ^ Aes.EncryptLast(b1, k)).StoreUnsafe(ref p, 16);
        (Vector128.LoadUnsafe(ref p, 32) ^ Aes.EncryptLast(b2, k)).StoreUnsafe(ref p, 32);
        (Vector128.LoadUnsafe(ref p, 48) ^ Aes.EncryptLast(b3, k)).StoreUnsafe(ref p, 48);
        (Vector128.LoadUnsafe(ref p, 64) ^ Aes.EncryptLast(b4, k)).StoreUnsafe(ref p, 64);
        (Vector128.LoadUnsafe(ref p, 80) ^ Aes.EncryptLast(b5, k)).StoreUnsafe(ref p, 80);
        (Vector128.LoadUnsafe(ref p, 96) ^ Aes.EncryptLast(b6, k)).StoreUnsafe(ref p, 96);
        (Vector128.LoadUnsafe(ref p, 112) ^ Aes.EncryptLast(b7, k)).StoreUnsafe(ref p, 112);
    }

    /// <summary>The under-a-stride remainder (0..127 bytes, or any length): four blocks at a time, last one partial.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void XorKeystream(Vector128<uint> j0, uint counter, Span<byte> data)
    {
        ref var keys = ref MemoryMarshal.GetArrayDataReference(_roundKeys);
        Span<byte> partial = stackalloc byte[BlockSize];
        var offset = 0;
        while (offset < data.Length)
        {
            var k = keys;
            var b0 = CounterBlock(j0, counter) ^ k;
            var b1 = CounterBlock(j0, counter + 1) ^ k;
            var b2 = CounterBlock(j0, counter + 2) ^ k;
            var b3 = CounterBlock(j0, counter + 3) ^ k;
            for (var round = 1; round < Rounds; round++)
            {
                k = Unsafe.Add(ref keys, round);
                b0 = Aes.Encrypt(b0, k);
                b1 = Aes.Encrypt(b1, k);
                b2 = Aes.Encrypt(b2, k);
                b3 = Aes.Encrypt(b3, k);
            }

            k = Unsafe.Add(ref keys, Rounds);
            counter += 4;
            offset = XorBlock(data, offset, Aes.EncryptLast(b0, k), partial);
            offset = XorBlock(data, offset, Aes.EncryptLast(b1, k), partial);
            offset = XorBlock(data, offset, Aes.EncryptLast(b2, k), partial);
            offset = XorBlock(data, offset, Aes.EncryptLast(b3, k), partial);
        }
    }

    /// <summary>XORs one keystream block at <paramref name="offset"/> (as much of it as the data still has); returns the next offset.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int XorBlock(Span<byte> data, int offset, Vector128<byte> keystream, Span<byte> partial)
    {
        var left = data.Length - offset;
        if (left >= BlockSize)
        {
            ref var p = ref MemoryMarshal.GetReference(data);
            (Vector128.LoadUnsafe(ref p, (nuint)offset) ^ keystream).StoreUnsafe(ref p, (nuint)offset);
            return offset + BlockSize;
        }

        if (left > 0)
        {
            partial.Clear();
            data[offset..].CopyTo(partial);
            (Vector128.Create((ReadOnlySpan<byte>)partial) ^ keystream).CopyTo(partial);
            partial[..left].CopyTo(data[offset..]);
        }

        return data.Length;
    }

    /// <summary>Folds <paramref name="data"/> into the GHASH state, zero-padding its last block (SP 800-38D §6.4).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Vector128<ulong> Ghash(Vector128<ulong> y, ReadOnlySpan<byte> data)
    {
        ref var p = ref MemoryMarshal.GetReference(data);
        var offset = 0;
        for (; data.Length - offset >= Stride * BlockSize; offset += Stride * BlockSize)
        {
            y = GhashBlocks(y, ref Unsafe.Add(ref p, offset), Stride);
        }

        var full = (data.Length - offset) / BlockSize;
        if (full > 0)
        {
            y = GhashBlocks(y, ref Unsafe.Add(ref p, offset), full);
            offset += full * BlockSize;
        }

        if (offset < data.Length)
        {
            Span<byte> partial = stackalloc byte[BlockSize];
            partial.Clear();
            data[offset..].CopyTo(partial);
            y = GhashBlocks(y, ref MemoryMarshal.GetReference(partial), 1);
        }

        return y;
    }

    /// <summary>
    /// Y' = (Y ^ X1)·H^n ^ X2·H^(n-1) ^ … ^ Xn·H for n = <paramref name="count"/> (1..8) full blocks: the products are
    /// summed unreduced and reduced once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector128<ulong> GhashBlocks(Vector128<ulong> y, ref byte p, int count)
    {
        ref var powers = ref MemoryMarshal.GetArrayDataReference(_hPowers);
        ref var karatsuba = ref MemoryMarshal.GetArrayDataReference(_hKaratsuba);
        var x = ByteSwap(Vector128.LoadUnsafe(ref p)).AsUInt64() ^ y;
        var h = Unsafe.Add(ref powers, count - 1);
        var low = Pclmulqdq.CarrylessMultiply(x, h, 0x00);
        var high = Pclmulqdq.CarrylessMultiply(x, h, 0x11);
        var middle = Pclmulqdq.CarrylessMultiply(x ^ SwapHalves(x), Unsafe.Add(ref karatsuba, count - 1), 0x00);
        for (var i = 1; i < count; i++)
        {
            x = ByteSwap(Vector128.LoadUnsafe(ref p, (nuint)(i * BlockSize))).AsUInt64();
            h = Unsafe.Add(ref powers, count - 1 - i);
            low ^= Pclmulqdq.CarrylessMultiply(x, h, 0x00);
            high ^= Pclmulqdq.CarrylessMultiply(x, h, 0x11);
            middle ^= Pclmulqdq.CarrylessMultiply(x ^ SwapHalves(x), Unsafe.Add(ref karatsuba, count - 1 - i), 0x00);
        }

        return Reduce(low, middle, high);
    }

    /// <summary>a·b·y^-128 (one Karatsuba product, reduced); used for the key setup and the length block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Vector128<ulong> Multiply(Vector128<ulong> a, Vector128<ulong> b)
    {
        var low = Pclmulqdq.CarrylessMultiply(a, b, 0x00);
        var high = Pclmulqdq.CarrylessMultiply(a, b, 0x11);
        var middle = Pclmulqdq.CarrylessMultiply(a ^ SwapHalves(a), b ^ SwapHalves(b), 0x00);
        return Reduce(low, middle, high);
    }

    /// <summary>
    /// Karatsuba recombination, then the Montgomery reduction: (high·y^128 + low)·y^-128 mod P', where
    /// P' = y^128 + y^127 + y^126 + y^121 + 1. Each fold cancels the low 64 bits by adding a multiple of P'.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> Reduce(Vector128<ulong> low, Vector128<ulong> middle, Vector128<ulong> high)
    {
        middle ^= low ^ high;
        low ^= Sse2.ShiftLeftLogical128BitLane(middle, 8);
        high ^= Sse2.ShiftRightLogical128BitLane(middle, 8);

        var poly = Vector128.CreateScalar(0xC200_0000_0000_0000UL);
        low = SwapHalves(low) ^ Pclmulqdq.CarrylessMultiply(low, poly, 0x00);
        low = SwapHalves(low) ^ Pclmulqdq.CarrylessMultiply(low, poly, 0x00);
        return high ^ low;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> SwapHalves(Vector128<ulong> v) => Sse2.Shuffle(v.AsUInt32(), 0x4E).AsUInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> SwapHalves(Vector256<ulong> v) => Avx2.Shuffle(v.AsUInt32(), 0x4E).AsUInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> ByteSwap(Vector128<byte> v) => Ssse3.Shuffle(v, ReverseBytes);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Vector128<byte> EncryptBlock(Vector128<byte> block)
    {
        ref var keys = ref MemoryMarshal.GetArrayDataReference(_roundKeys);
        block ^= keys;
        for (var round = 1; round < Rounds; round++)
        {
            block = Aes.Encrypt(block, Unsafe.Add(ref keys, round));
        }

        return Aes.EncryptLast(block, Unsafe.Add(ref keys, Rounds));
    }

    /// <summary>FIPS 197 §5.2 key expansion; AESKEYGENASSIST needs its round constant as an immediate, hence no loop.</summary>
    private static void ExpandKey(Vector128<byte> key, Span<Vector128<byte>> roundKeys)
    {
        roundKeys[0] = key;
        roundKeys[1] = key = NextRoundKey(key, Aes.KeygenAssist(key, 0x01));
        roundKeys[2] = key = NextRoundKey(key, Aes.KeygenAssist(key, 0x02));
        roundKeys[3] = key = NextRoundKey(key, Aes.KeygenAssist(key, 0x04));
        roundKeys[4] = key = NextRoundKey(key, Aes.KeygenAssist(key, 0x08));
        roundKeys[5] = key = NextRoundKey(key, Aes.KeygenAssist(key, 0x10));
        roundKeys[6] = key = NextRoundKey(key, Aes.KeygenAssist(key, 0x20));
        roundKeys[7] = key = NextRoundKey(key, Aes.KeygenAssist(key, 0x40));
        roundKeys[8] = key = NextRoundKey(key, Aes.KeygenAssist(key, 0x80));
        roundKeys[9] = key = NextRoundKey(key, Aes.KeygenAssist(key, 0x1B));
        roundKeys[10] = NextRoundKey(key, Aes.KeygenAssist(key, 0x36));
    }

    /// <summary>w[i] = w[i-1] ^ w[i-4] chained across the four words (three shifted XORs), plus SubWord(RotWord(w3)) ^ rcon.</summary>
    private static Vector128<byte> NextRoundKey(Vector128<byte> key, Vector128<byte> assist)
    {
        var rotated = Sse2.Shuffle(assist.AsUInt32(), 0xFF).AsByte();
        key ^= Sse2.ShiftLeftLogical128BitLane(key, 4);
        key ^= Sse2.ShiftLeftLogical128BitLane(key, 4);
        key ^= Sse2.ShiftLeftLogical128BitLane(key, 4);
        return key ^ rotated;
    }
}
