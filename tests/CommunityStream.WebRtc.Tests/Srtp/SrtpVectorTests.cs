using CommunityStream.WebRtc.Srtp;

namespace CommunityStream.WebRtc.Tests.Srtp;

/// <summary>RFC 3711 Appendix B and RFC 7714 §16/§17 known-answer tests.</summary>
public class SrtpVectorTests
{
    [Fact]
    public void Should_produce_the_RFC3711_B2_AES_CM_keystream()
    {
        using var ctr = new AesCounterMode(Hex.Decode("2B7E151628AED2A6ABF7158809CF4F3C"));
        var iv = Hex.Decode("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000");

        // The segment of 65,282 blocks: the RFC lists its first three and last three blocks.
        var keystream = new byte[65282 * 16];
        ctr.Transform(iv, keystream);

        Assert.Equal(
            Hex.Decode("E03EAD0935C95E80E166B16DD92B4EB4 D23513162B02D0F72A43A2FE4A5F97AB 41E95B3BB0A2E8DD477901E4FCA894C0"),
            keystream[..48]);
        Assert.Equal(
            Hex.Decode("EC8CDF7398607CB0F2D21675EA9EA1E4 362B7C3C6773516318A077D7FC5073AE 6A2CC3787889374FBEB4C81B17BA6C44"),
            keystream[^48..]);
    }

    [Fact]
    public void Should_derive_the_RFC3711_B3_session_keys()
    {
        var masterKey = Hex.Decode("E1F97A0D3E018BE0D64FA32C06DE4139");
        var masterSalt = Hex.Decode("0EC675AD498AFEEBB6960B3AABE6");

        var cipherKey = new byte[16];
        var cipherSalt = new byte[14];
        var authKey = new byte[94];
        SrtpKeyDerivation.DeriveKey(masterKey, masterSalt, SrtpKeyDerivation.RtpEncryption, cipherKey);
        SrtpKeyDerivation.DeriveKey(masterKey, masterSalt, SrtpKeyDerivation.RtpSalt, cipherSalt);
        SrtpKeyDerivation.DeriveKey(masterKey, masterSalt, SrtpKeyDerivation.RtpAuthentication, authKey);

        Assert.Equal(Hex.Decode("C61E7A93744F39EE10734AFE3FF7A087"), cipherKey);
        Assert.Equal(Hex.Decode("30CBBC08863D8C85D49DB34A9AE1"), cipherSalt);

        // RFC 3711 B.3 prints 94 bytes of the authentication key stream; HMAC-SHA1 uses the first 20.
        Assert.Equal(
            Hex.Decode("""
                CEBE321F6FF7716B6FD4AB49AF256A15 6D38BAA48F0A0ACF3C34E2359E6CDBCE
                E049646C43D9327AD175578EF7227098 6371C10C9A369AC2F94A8C5FBCDDDC25
                6D6E919A48B610EF17C2041E47403576 6B68642C59BBFC2F34DB60DBDFB2
                """),
            authKey);

        var (rtp, _) = SrtpKeyDerivation.Derive(SrtpProfile.Aes128CmHmacSha1Tag80, masterKey, masterSalt);
        Assert.Equal(Hex.Decode("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4"), rtp.AuthenticationKey);
    }

    [Fact]
    public void Should_protect_the_libsrtp_AES_CM_HMAC_SHA1_80_reference_packet()
    {
        // libsrtp's srtp_driver known answer: RFC 3711 B.3 master key/salt, SSRC 0xcafebabe, seq 0x1234.
        var plain = Hex.Decode("800f1234decafbadcafebabe abababababababababababababababab");
        var expected = Hex.Decode("800f1234decafbadcafebabe 4e55dc4ce79978d88ca4d215949d2402 b78d6acc99ea179b8dbb");
        using var sender = SrtpContext.Create(
            SrtpProfile.Aes128CmHmacSha1Tag80, Hex.Decode("E1F97A0D3E018BE0D64FA32C06DE4139"), Hex.Decode("0EC675AD498AFEEBB6960B3AABE6"));
        using var receiver = SrtpContext.Create(
            SrtpProfile.Aes128CmHmacSha1Tag80, Hex.Decode("E1F97A0D3E018BE0D64FA32C06DE4139"), Hex.Decode("0EC675AD498AFEEBB6960B3AABE6"));

        var buffer = new byte[64];
        plain.CopyTo(buffer, 0);
        Assert.True(sender.TryProtectRtp(buffer, plain.Length, out var protectedLength));
        Assert.Equal(expected, buffer[..protectedLength]);

        Assert.True(receiver.TryUnprotectRtp(buffer, protectedLength, out var plainLength));
        Assert.Equal(plain, buffer[..plainLength]);
    }

    private static readonly byte[] GcmKey = Hex.Decode("000102030405060708090a0b0c0d0e0f");
    private static readonly byte[] GcmSalt = Hex.Decode("517569642070726f2071756f");

    // RFC 7714 §16.1: RTP header 8040f17b 8041f8d3 5501a0b2, payload "Gallia est omnis divisa in partes tres".
    private static readonly byte[] GcmRtpPlain = Hex.Decode("""
        8040f17b 8041f8d3 5501a0b2 47616c6c 69612065 7374206f 6d6e6973 20646976 69736120 696e2070 61727465 73207472 6573
        """);

    // RFC 7714 §16.1.1: AEAD_AES_128_GCM encryption output.
    private static readonly byte[] GcmRtpProtected = Hex.Decode("""
        8040f17b 8041f8d3 5501a0b2 f24de3a3 fb34de6c acba861c 9d7e4bca be633bd5 0d294e6f 42a5f47a 51c7d19b 36de3adf 8833
        899d7f27 beb16a91 52cf765e e4390cce
        """);

    // RFC 7714 §17.1: the SRTCP sender report ("Mars", SRTCP index 0x5d4).
    private static readonly byte[] GcmRtcpPlain = Hex.Decode("""
        81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930 4c756e61 deadbeef deadbeef deadbeef deadbeef deadbeef
        """);

    private static readonly byte[] GcmRtcpProtected = Hex.Decode("""
        81c8000d 4d617273 63e94885 dcdab67c a727d766 2f6b7e99 7ff5c0f7 6c06f32d c676a5f1 730d6fda 4ce09b46 86303ded 0bb9275b
        c84aa458 96cf4d2f c5abf872 45d9eade 800005d4
        """);

    private static SrtpContext GcmContext()
    {
        var keys = new SrtpSessionKeys(GcmKey, GcmSalt, []);
        return SrtpContext.FromSessionKeys(SrtpProfile.AeadAes128Gcm, keys, keys);
    }

    [Fact]
    public void Should_encrypt_the_RFC7714_16_1_RTP_packet()
    {
        using var context = GcmContext();
        var buffer = new byte[128];
        GcmRtpPlain.CopyTo(buffer, 0);

        Assert.True(context.TryProtectRtp(buffer, GcmRtpPlain.Length, out var length));
        Assert.Equal(GcmRtpProtected, buffer[..length]);
    }

    [Fact]
    public void Should_decrypt_the_RFC7714_16_1_RTP_packet_and_refuse_a_flipped_bit()
    {
        using var context = GcmContext();
        var buffer = new byte[128];
        GcmRtpProtected.CopyTo(buffer, 0);
        buffer[20] ^= 1;
        Assert.False(context.TryUnprotectRtp(buffer, GcmRtpProtected.Length, out _));

        GcmRtpProtected.CopyTo(buffer, 0);
        Assert.True(context.TryUnprotectRtp(buffer, GcmRtpProtected.Length, out var length));
        Assert.Equal(GcmRtpPlain, buffer[..length]);
    }

    [Fact]
    public void Should_encrypt_and_decrypt_the_RFC7714_17_SRTCP_packet()
    {
        using var sender = GcmContext();
        sender.SetNextSrtcpIndex(0x4d617273, 0x5d4);
        var buffer = new byte[128];
        GcmRtcpPlain.CopyTo(buffer, 0);
        Assert.True(sender.TryProtectRtcp(buffer, GcmRtcpPlain.Length, out var length));
        Assert.Equal(GcmRtcpProtected, buffer[..length]);

        using var receiver = GcmContext();
        Assert.True(receiver.TryUnprotectRtcp(buffer, length, out var plainLength));
        Assert.Equal(GcmRtcpPlain, buffer[..plainLength]);
    }
}
