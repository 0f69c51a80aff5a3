using System.Buffers.Binary;
using System.Security.Cryptography;
using CommunityStream.WebRtc.Srtp;

namespace CommunityStream.WebRtc.Tests.Srtp;

/// <summary>
/// <see cref="HardwareAesGcm"/> against the GCM specification's known answers and against <see cref="AesGcm"/>, on
/// each path (<see cref="HardwareAesGcmPath"/>). On a CPU without AES-NI/PCLMULQDQ each test instead asserts that the
/// SRTP cipher falls back to <see cref="AesGcm"/>; the 256-bit path's tests are skipped only on CPUs without VPCLMULQDQ.
/// </summary>
public class HardwareAesGcmTests
{
    private const string FeKey = "feffe9928665731c6d6a8f9467308308";
    private const string FeNonce = "cafebabefacedbaddecaf888";

    private const string FePlaintext = """
        d9313225f88406e5a55909c5aff5269a 86a7a9531534f7da2e4c303d8a318a72
        1c3c0c95956809532fcf0e2449a6b525 b16aedf5aa0de657ba637b391aafd255
        """;

    private const string FeCiphertext = """
        42831ec2217774244b7221b784d0d49c e3aa212f2c02a4e035c17e2329aca12e
        21d514b25466931c7d8f6a5aac84aa05 1ba30b396a0aac973d58e091473f5985
        """;

    /// <summary>McGrew &amp; Viega, "The Galois/Counter Mode of Operation", AES-128 test cases 2, 3 and 4 (96-bit IVs).</summary>
    public static TheoryData<int, string, string, string, string, string, string> SpecificationCases => new()
    {
        {
            2, "00000000000000000000000000000000", "000000000000000000000000", "",
            "00000000000000000000000000000000", "0388dace60b6a392f328c2b971b2fe78", "ab6e47d42cec13bdf53a67b21257bddf"
        },
        { 3, FeKey, FeNonce, "", FePlaintext, FeCiphertext, "4d5c2af327cd64a62cf35abd2ba6fab4" },
        {
            4, FeKey, FeNonce, "feedfacedeadbeeffeedfacedeadbeefabaddad2",
            FePlaintext[..^8], FeCiphertext[..^8], "5bc94fbc3221a5db94fae95ae7121a47"
        },
    };

    /// <summary>Path names rather than the internal enum, which a public test method cannot take.</summary>
    public static TheoryData<string> Paths => new(Enum.GetNames<HardwareAesGcmPath>());

    public static TheoryData<string, int, string, string, string, string, string, string> SpecificationCasesOnEachPath
    {
        get
        {
            var cases = new TheoryData<string, int, string, string, string, string, string, string>();
            foreach (var path in Enum.GetNames<HardwareAesGcmPath>())
            {
                foreach (var row in SpecificationCases)
                {
                    cases.Add(
                        path, (int)row[0], (string)row[1], (string)row[2], (string)row[3], (string)row[4], (string)row[5], (string)row[6]);
                }
            }

            return cases;
        }
    }

    [SkippableTheory]
    [MemberData(nameof(SpecificationCasesOnEachPath))]
    public void Should_match_the_GCM_specification_test_cases(
        string pathName, int testCase, string keyHex, string nonceHex, string aadHex, string plainHex, string cipherHex, string tagHex)
    {
        var path = Enum.Parse<HardwareAesGcmPath>(pathName);
        if (!PathAvailable(path))
        {
            return;
        }

        var key = Hex.Decode(keyHex);
        var nonce = Hex.Decode(nonceHex);
        var aad = Hex.Decode(aadHex);
        var plain = Hex.Decode(plainHex);
        var expectedCipher = Hex.Decode(cipherHex);
        var expectedTag = Hex.Decode(tagHex);
        Assert.Equal(testCase == 4 ? 60 : plain.Length, plain.Length);

        // The vectors are typed in by hand: .NET's AesGcm must agree with them, so a typo cannot pass.
        var reference = new byte[plain.Length];
        var referenceTag = new byte[16];
        using (var gcm = new AesGcm(key, 16))
        {
            gcm.Encrypt(nonce, plain, reference, referenceTag, aad);
        }

        Assert.Equal(expectedCipher, reference);
        Assert.Equal(expectedTag, referenceTag);

        using var hardware = new HardwareAesGcm(key, path);
        var data = (byte[])plain.Clone();
        var tag = new byte[16];
        hardware.Encrypt(nonce, data, tag, aad);
        Assert.Equal(expectedCipher, data);
        Assert.Equal(expectedTag, tag);

        Assert.True(hardware.TryDecrypt(nonce, data, tag, aad));
        Assert.Equal(plain, data);
    }

    [SkippableTheory]
    [MemberData(nameof(Paths))]
    public void Should_agree_with_AesGcm_on_random_inputs(string pathName)
    {
        var path = Enum.Parse<HardwareAesGcmPath>(pathName);
        if (!PathAvailable(path))
        {
            return;
        }

        const int seed = 7714;
        var random = new Random(seed);

        // Every residue mod 16 around one and several strides, the SRTP sizes (audio and video payloads), then random.
        var lengths = new List<int> { 148, 160, 1188, 1200, 2100 };
        for (var i = 0; i <= 48; i++)
        {
            lengths.Add(i);
            lengths.Add(112 + i);
            lengths.Add(240 + i);
        }

        while (lengths.Count < 2500)
        {
            lengths.Add(random.Next(0, 2101));
        }

        for (var caseIndex = 0; caseIndex < lengths.Count; caseIndex++)
        {
            var length = lengths[caseIndex];
            var key = new byte[16];
            var nonce = new byte[12];
            var aad = new byte[random.Next(0, 81)];
            var plain = new byte[length];
            random.NextBytes(key);
            random.NextBytes(nonce);
            random.NextBytes(aad);
            random.NextBytes(plain);
            AssertAgreesWithAesGcm(path, key, nonce, aad, plain, $"{path}, seed {seed}, case {caseIndex}");
        }
    }

    /// <summary>
    /// Every length up to two 1,200-byte packets, so each path meets every stride count and every tail (16-byte
    /// residues, odd and even block counts, the length block spilling past a full stride), with SRTP-sized AAD
    /// (12–40 bytes: header, CSRCs, extensions) plus the empty and a stride-plus AAD now and then.
    /// </summary>
    [SkippableTheory]
    [MemberData(nameof(Paths))]
    public void Should_agree_with_AesGcm_on_every_length_up_to_2100_bytes(string pathName)
    {
        var path = Enum.Parse<HardwareAesGcmPath>(pathName);
        if (!PathAvailable(path))
        {
            return;
        }

        const int seed = 7716;
        var random = new Random(seed);
        var key = new byte[16];
        random.NextBytes(key);
        for (var length = 0; length <= 2100; length++)
        {
            var aadLength = (length % 97) switch
            {
                0 => 0,
                1 => 300,
                _ => 12 + (length % 29),
            };
            var nonce = new byte[12];
            var aad = new byte[aadLength];
            var plain = new byte[length];
            random.NextBytes(nonce);
            random.NextBytes(aad);
            random.NextBytes(plain);
            AssertAgreesWithAesGcm(path, key, nonce, aad, plain, $"{path}, seed {seed}");
        }
    }

    [Fact]
    public void Should_take_the_256_bit_path_by_default_where_the_CPU_has_VPCLMULQDQ()
    {
        if (!HardwareAesGcm.IsSupported)
        {
            AssertFallback();
            return;
        }

        using var hardware = new HardwareAesGcm(new byte[16]);
        var expected = HardwareAesGcm.IsWideSupported ? HardwareAesGcmPath.Vector256 : HardwareAesGcmPath.Vector128;
        Assert.Equal(expected, hardware.Path);
        using var narrow = new HardwareAesGcm(new byte[16], HardwareAesGcmPath.Vector128);
        Assert.Equal(HardwareAesGcmPath.Vector128, narrow.Path);
        if (!HardwareAesGcm.IsWideSupported)
        {
            Assert.Throws<PlatformNotSupportedException>(() => new HardwareAesGcm(new byte[16], HardwareAesGcmPath.Vector256));
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Paths))]
    public void Should_reject_any_single_bit_flip_and_leave_the_data_unchanged(string pathName)
    {
        var path = Enum.Parse<HardwareAesGcmPath>(pathName);
        if (!PathAvailable(path))
        {
            return;
        }

        var random = new Random(7715);
        var key = new byte[16];
        var nonce = new byte[12];
        var aad = new byte[20];
        var data = new byte[70];
        random.NextBytes(key);
        random.NextBytes(nonce);
        random.NextBytes(aad);
        random.NextBytes(data);
        var tag = new byte[16];
        using var hardware = new HardwareAesGcm(key, path);
        hardware.Encrypt(nonce, data, tag, aad);
        var ciphertext = (byte[])data.Clone();

        foreach (var (name, target) in new[] { ("tag", tag), ("ciphertext", data), ("AAD", aad) })
        {
            for (var bit = 0; bit < target.Length * 8; bit++)
            {
                target[bit / 8] ^= (byte)(1 << (bit % 8));
                var before = (byte[])data.Clone();
                Assert.False(hardware.TryDecrypt(nonce, data, tag, aad), $"{name} bit {bit} flipped but accepted");
                Assert.True(before.AsSpan().SequenceEqual(data), $"{name} bit {bit}: data changed on failure");
                target[bit / 8] ^= (byte)(1 << (bit % 8));
            }
        }

        Assert.Equal(ciphertext, data);
        Assert.True(hardware.TryDecrypt(nonce, data, tag, aad));
    }

    [Fact]
    public void Should_seal_SRTP_with_the_hardware_cipher_when_supported()
    {
        using var cipher = CreateSrtpCipher();
        Assert.Equal(HardwareAesGcm.IsSupported, cipher.UsesHardware);
    }

    [Fact]
    public void Should_authenticate_unencrypted_SRTCP_like_AesGcm()
    {
        // RFC 7714 §9.3: with the E flag clear the whole packet plus the index word is AAD and nothing is encrypted.
        var key = Hex.Decode("000102030405060708090a0b0c0d0e0f");
        var salt = Hex.Decode("517569642070726f2071756f");
        const uint ssrc = 0x4d617273;
        const uint index = 0x5d4;
        var body = Hex.Decode("81c8000d4d61727358f33dea5b4f3b8d 42a1f3b70e5e2b9c1e1b6c8a0d4d5d8e 11223344556677889900aabbccddeeff");
        var packet = new byte[body.Length + 16 + 4];
        body.CopyTo(packet, 0);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(body.Length + 16), index);

        var iv = new byte[12];
        BinaryPrimitives.WriteUInt32BigEndian(iv.AsSpan(2), ssrc);
        BinaryPrimitives.WriteUInt32BigEndian(iv.AsSpan(8), index);
        for (var i = 0; i < 12; i++)
        {
            iv[i] ^= salt[i];
        }

        var aad = new byte[body.Length + 4];
        body.CopyTo(aad, 0);
        packet.AsSpan(body.Length + 16, 4).CopyTo(aad.AsSpan(body.Length));
        using (var gcm = new AesGcm(key, 16))
        {
            gcm.Encrypt(iv, [], [], packet.AsSpan(body.Length, 16), aad);
        }

        using var cipher = new SrtpAesGcmCipher(new SrtpSessionKeys(key, salt, []));
        Assert.Equal(HardwareAesGcm.IsSupported, cipher.UsesHardware);
        Assert.True(cipher.UnprotectRtcp(packet, packet.Length, ssrc, index, encrypted: false));
        Assert.Equal(body, packet[..body.Length]);

        packet[20] ^= 0x01;
        Assert.False(cipher.UnprotectRtcp(packet, packet.Length, ssrc, index, encrypted: false));
    }

    /// <summary>
    /// False (after checking the fallback) where the CPU has no AES-NI; skips the 256-bit path where it has no
    /// VPCLMULQDQ; on a CPU that has it, also asserts the instance really runs it.
    /// </summary>
    private static bool PathAvailable(HardwareAesGcmPath path)
    {
        if (!HardwareAesGcm.IsSupported)
        {
            AssertFallback();
            return false;
        }

        Skip.If(
            path == HardwareAesGcmPath.Vector256 && !HardwareAesGcm.IsWideSupported,
            "This CPU has no AVX2/VPCLMULQDQ, so the 256-bit path cannot run");
        using var probe = new HardwareAesGcm(new byte[16], path);
        Assert.Equal(path, probe.Path);
        return true;
    }

    private static void AssertAgreesWithAesGcm(
        HardwareAesGcmPath path, byte[] key, byte[] nonce, byte[] aad, byte[] plain, string context)
    {
        var message = $"{context}: data {plain.Length} bytes, AAD {aad.Length} bytes";
        var expected = new byte[plain.Length];
        var expectedTag = new byte[16];
        using var gcm = new AesGcm(key, 16);
        gcm.Encrypt(nonce, plain, expected, expectedTag, aad);

        using var hardware = new HardwareAesGcm(key, path);
        var data = (byte[])plain.Clone();
        var tag = new byte[16];
        hardware.Encrypt(nonce, data, tag, aad);
        Assert.True(expected.AsSpan().SequenceEqual(data), message + ": ciphertext differs");
        Assert.True(expectedTag.AsSpan().SequenceEqual(tag), message + ": tag differs");

        Assert.True(hardware.TryDecrypt(nonce, data, tag, aad), message + ": own tag rejected");
        Assert.True(plain.AsSpan().SequenceEqual(data), message + ": decryption differs");

        // A flipped tag bit must fail on this path too, leaving the ciphertext as it was.
        tag[plain.Length % 16] ^= 0x80;
        hardware.Encrypt(nonce, data, new byte[16], aad);
        Assert.False(hardware.TryDecrypt(nonce, data, tag, aad), message + ": forged tag accepted");
        Assert.True(expected.AsSpan().SequenceEqual(data), message + ": data changed on failure");
    }

    private static void AssertFallback()
    {
        using var cipher = CreateSrtpCipher();
        Assert.False(cipher.UsesHardware);
        Assert.Throws<PlatformNotSupportedException>(() => new HardwareAesGcm(new byte[16]));
    }

    private static SrtpAesGcmCipher CreateSrtpCipher() => new(new SrtpSessionKeys(new byte[16], new byte[12], []));
}
