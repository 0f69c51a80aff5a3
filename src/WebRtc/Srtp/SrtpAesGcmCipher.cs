using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace CommunityStream.WebRtc.Srtp;

/// <summary>
/// AEAD_AES_128_GCM (RFC 7714): the RTP header (or the SRTCP header plus E flag and index) is the associated data, the
/// payload is encrypted in place and a 16-byte tag appended. IVs per RFC 7714 §8.1 (SRTP) and §9.1 (SRTCP).
/// Seals with <see cref="HardwareAesGcm"/> where the CPU has AES-NI and PCLMULQDQ (the fan-out seals each packet once
/// per viewer, and <see cref="AesGcm"/>'s per-call overhead outweighs its cipher work), else with <see cref="AesGcm"/>.
/// </summary>
internal sealed class SrtpAesGcmCipher : SrtpCipher
{
    private const int TagLength = 16;
    private readonly HardwareAesGcm? _hardware;
    private readonly AesGcm? _gcm;
    // The salt as two words in this object (native byte order, as XorSalt reads the IV): no array to load per packet.
    private readonly ulong _saltHead;
    private readonly uint _saltTail;

    public SrtpAesGcmCipher(SrtpSessionKeys keys)
    {
        if (keys.Salt.Length != 12)
        {
            throw new ArgumentException("AES-GCM needs a 96-bit salt.", nameof(keys));
        }

        if (HardwareAesGcm.IsSupported)
        {
            _hardware = new HardwareAesGcm(keys.EncryptionKey);
        }
        else
        {
            _gcm = new AesGcm(keys.EncryptionKey, TagLength);
        }

        _saltHead = MemoryMarshal.Read<ulong>(keys.Salt);
        _saltTail = MemoryMarshal.Read<uint>(keys.Salt.AsSpan(8));
    }

    /// <summary>Whether this cipher runs on <see cref="HardwareAesGcm"/> rather than the <see cref="AesGcm"/> fallback.</summary>
    internal bool UsesHardware => _hardware is not null;

    public override void ProtectRtp(Span<byte> packet, int headerLength, int length, uint ssrc, uint roc, ushort sequence)
    {
        Span<byte> iv = stackalloc byte[12];
        BuildRtpIv(iv, ssrc, roc, sequence);
        var payload = packet[headerLength..length];
        Seal(iv, payload, packet.Slice(length, TagLength), packet[..headerLength]);
    }

    public override bool UnprotectRtp(Span<byte> packet, int headerLength, int length, uint ssrc, uint roc, ushort sequence)
    {
        var payloadEnd = length - TagLength;
        if (payloadEnd < headerLength)
        {
            return false;
        }

        Span<byte> iv = stackalloc byte[12];
        BuildRtpIv(iv, ssrc, roc, sequence);
        var payload = packet[headerLength..payloadEnd];
        return TryDecrypt(iv, payload, packet.Slice(payloadEnd, TagLength), packet[..headerLength]);
    }

    public override void ProtectRtcp(Span<byte> packet, int length, uint ssrc, uint index)
    {
        Span<byte> iv = stackalloc byte[12];
        BuildRtcpIv(iv, ssrc, index);

        // RFC 7714 §9: AAD = first 8 header bytes || E flag + SRTCP index; the index word goes after the tag.
        Span<byte> aad = stackalloc byte[12];
        packet[..8].CopyTo(aad);
        BinaryPrimitives.WriteUInt32BigEndian(aad[8..], 0x8000_0000u | index);
        var payload = packet[8..length];
        Seal(iv, payload, packet.Slice(length, TagLength), aad);
        aad[8..].CopyTo(packet[(length + TagLength)..]);
    }

    public override bool UnprotectRtcp(Span<byte> packet, int length, uint ssrc, uint index, bool encrypted)
    {
        var tagStart = length - 4 - TagLength;
        if (tagStart < 8)
        {
            return false;
        }

        Span<byte> iv = stackalloc byte[12];
        BuildRtcpIv(iv, ssrc, index);
        var tag = packet.Slice(tagStart, TagLength);
        var indexWord = packet.Slice(length - 4, 4);
        if (encrypted)
        {
            Span<byte> aad = stackalloc byte[12];
            packet[..8].CopyTo(aad);
            indexWord.CopyTo(aad[8..]);
            return TryDecrypt(iv, packet[8..tagStart], tag, aad);
        }

        // RFC 7714 §9.3: unencrypted SRTCP authenticates the whole packet as AAD (rare; pooled copy).
        var aadLength = tagStart + 4;
        var rented = ArrayPool<byte>.Shared.Rent(aadLength);
        try
        {
            packet[..tagStart].CopyTo(rented);
            indexWord.CopyTo(rented.AsSpan(tagStart));
            return TryDecrypt(iv, Span<byte>.Empty, tag, rented.AsSpan(0, aadLength));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private void Seal(ReadOnlySpan<byte> iv, Span<byte> payload, Span<byte> tag, ReadOnlySpan<byte> aad)
    {
        if (_hardware is not null)
        {
            _hardware.Encrypt(iv, payload, tag, aad);
        }
        else
        {
            _gcm!.Encrypt(iv, payload, payload, tag, aad);
        }
    }

    private bool TryDecrypt(ReadOnlySpan<byte> iv, Span<byte> payload, ReadOnlySpan<byte> tag, ReadOnlySpan<byte> aad)
    {
        if (_hardware is not null)
        {
            // Authenticates before decrypting and reports a forgery without an exception.
            return _hardware.TryDecrypt(iv, payload, tag, aad);
        }

        try
        {
            _gcm!.Decrypt(iv, payload, tag, payload, aad);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            // AesGcm offers no non-throwing decrypt; forged packets take this (slow) path and are dropped.
            return false;
        }
    }

    /// <summary>RFC 7714 §8.1: IV = (0x0000 || SSRC || ROC || SEQ) XOR salt.</summary>
    private void BuildRtpIv(Span<byte> iv, uint ssrc, uint roc, ushort sequence)
    {
        iv[0] = 0;
        iv[1] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(iv[2..], ssrc);
        BinaryPrimitives.WriteUInt32BigEndian(iv[6..], roc);
        BinaryPrimitives.WriteUInt16BigEndian(iv[10..], sequence);
        XorSalt(iv);
    }

    /// <summary>RFC 7714 §9.1: IV = (0x0000 || SSRC || 0x0000 || 0 || SRTCP index) XOR salt.</summary>
    private void BuildRtcpIv(Span<byte> iv, uint ssrc, uint index)
    {
        iv[0] = 0;
        iv[1] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(iv[2..], ssrc);
        iv[6] = 0;
        iv[7] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(iv[8..], index & SrtcpStreamState.IndexMask);
        XorSalt(iv);
    }

    private void XorSalt(Span<byte> iv)
    {
        MemoryMarshal.Write(iv, MemoryMarshal.Read<ulong>(iv) ^ _saltHead);
        MemoryMarshal.Write(iv[8..], MemoryMarshal.Read<uint>(iv[8..]) ^ _saltTail);
    }

    public override void Dispose()
    {
        _hardware?.Dispose();
        _gcm?.Dispose();
    }
}
