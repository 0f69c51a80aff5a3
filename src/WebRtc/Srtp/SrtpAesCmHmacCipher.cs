using System.Buffers.Binary;
using System.Security.Cryptography;

namespace CommunityStream.WebRtc.Srtp;

/// <summary>
/// AES_CM_128_HMAC_SHA1_80 (RFC 3711 §4.1.1, §4.2.1): AES counter mode keyed with the session key, IV from salt, SSRC
/// and index; HMAC-SHA1 over the packet (plus ROC for SRTP) truncated to 80 bits. Encrypt-then-MAC: the tag is checked
/// before anything is decrypted.
/// </summary>
internal sealed class SrtpAesCmHmacCipher : SrtpCipher
{
    private const int TagLength = 10;
    private readonly AesCounterMode _ctr;
    private readonly IncrementalHash _hmac;
    private readonly byte[] _salt;

    public SrtpAesCmHmacCipher(SrtpSessionKeys keys)
    {
        if (keys.Salt.Length != 14 || keys.AuthenticationKey.Length == 0)
        {
            throw new ArgumentException("AES-CM needs a 112-bit salt and an authentication key.", nameof(keys));
        }

        _ctr = new AesCounterMode(keys.EncryptionKey);
        _hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, keys.AuthenticationKey);
        _salt = keys.Salt;
    }

    public override void ProtectRtp(Span<byte> packet, int headerLength, int length, uint ssrc, uint roc, ushort sequence)
    {
        Span<byte> iv = stackalloc byte[16];
        BuildIv(iv, ssrc, ((ulong)roc << 16) | sequence);
        _ctr.Transform(iv, packet[headerLength..length]);
        ComputeTag(packet[..length], roc, withRoc: true, packet.Slice(length, TagLength));
    }

    public override bool UnprotectRtp(Span<byte> packet, int headerLength, int length, uint ssrc, uint roc, ushort sequence)
    {
        var authenticated = length - TagLength;
        if (authenticated < headerLength)
        {
            return false;
        }

        Span<byte> tag = stackalloc byte[TagLength];
        ComputeTag(packet[..authenticated], roc, withRoc: true, tag);
        if (!CryptographicOperations.FixedTimeEquals(tag, packet.Slice(authenticated, TagLength)))
        {
            return false;
        }

        Span<byte> iv = stackalloc byte[16];
        BuildIv(iv, ssrc, ((ulong)roc << 16) | sequence);
        _ctr.Transform(iv, packet[headerLength..authenticated]);
        return true;
    }

    public override void ProtectRtcp(Span<byte> packet, int length, uint ssrc, uint index)
    {
        Span<byte> iv = stackalloc byte[16];
        BuildIv(iv, ssrc, index);
        _ctr.Transform(iv, packet[8..length]);

        // RFC 3711 §3.4: E flag (encrypted) and the 31-bit SRTCP index follow the payload and are authenticated.
        BinaryPrimitives.WriteUInt32BigEndian(packet[length..], 0x8000_0000u | index);
        ComputeTag(packet[..(length + 4)], 0, withRoc: false, packet.Slice(length + 4, TagLength));
    }

    public override bool UnprotectRtcp(Span<byte> packet, int length, uint ssrc, uint index, bool encrypted)
    {
        var authenticated = length - TagLength;
        var payloadEnd = authenticated - 4;
        if (payloadEnd < 8)
        {
            return false;
        }

        Span<byte> tag = stackalloc byte[TagLength];
        ComputeTag(packet[..authenticated], 0, withRoc: false, tag);
        if (!CryptographicOperations.FixedTimeEquals(tag, packet.Slice(authenticated, TagLength)))
        {
            return false;
        }

        if (encrypted)
        {
            Span<byte> iv = stackalloc byte[16];
            BuildIv(iv, ssrc, index);
            _ctr.Transform(iv, packet[8..payloadEnd]);
        }

        return true;
    }

    /// <summary>RFC 3711 §4.1.1: IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16).</summary>
    private void BuildIv(Span<byte> iv, uint ssrc, ulong index)
    {
        _salt.CopyTo(iv);
        iv[14] = 0;
        iv[15] = 0;
        var ssrcPart = BinaryPrimitives.ReadUInt32BigEndian(iv[4..]) ^ ssrc;
        BinaryPrimitives.WriteUInt32BigEndian(iv[4..], ssrcPart);
        var indexPart = BinaryPrimitives.ReadUInt64BigEndian(iv[8..]) ^ (index << 16);
        BinaryPrimitives.WriteUInt64BigEndian(iv[8..], indexPart);
    }

    /// <summary>RFC 3711 §4.2: HMAC-SHA1 over the authenticated portion (|| ROC for SRTP), truncated to 80 bits.</summary>
    private void ComputeTag(ReadOnlySpan<byte> authenticated, uint roc, bool withRoc, Span<byte> tag)
    {
        _hmac.AppendData(authenticated);
        if (withRoc)
        {
            Span<byte> rocBytes = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(rocBytes, roc);
            _hmac.AppendData(rocBytes);
        }

        Span<byte> mac = stackalloc byte[20];
        _hmac.GetHashAndReset(mac);
        mac[..TagLength].CopyTo(tag);
    }

    public override void Dispose()
    {
        _ctr.Dispose();
        _hmac.Dispose();
    }
}
