using System.Buffers.Binary;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using CommunityStream.WebRtc.Rtp;
using CommunityStream.WebRtc.Srtp;

namespace CommunityStream.Media.Benchmarks;

/// <summary>
/// SRTP protect and unprotect per packet for both profiles, against a raw <see cref="AesGcm"/> seal of the same bytes
/// (payload encrypted in place, header as AAD) as the baseline, and the same seal with <see cref="HardwareAesGcm"/>
/// (what the AEAD profile uses where the CPU has AES-NI and PCLMULQDQ) on its default path — 256-bit GHASH where the
/// CPU has VPCLMULQDQ — and forced onto the 128-bit one. <see cref="PacketSize"/> is the whole RTP packet
/// (12-byte header + payload): 160 for audio, 1,200 for video. Every operation uses a fresh sequence number so the
/// replay window accepts it; the round trip benchmarks protect and then unprotect, so unprotect ≈ round trip − protect.
/// </summary>
[MemoryDiagnoser]
public class SrtpBenchmarks : IDisposable
{
    private const uint Ssrc = 0x1234_5678;
    private byte[] _buffer = [];
    private byte[] _nonce = [];
    private AesGcm? _aesGcm;
    private HardwareAesGcm? _hardwareAesGcm;
    private HardwareAesGcm? _hardwareAesGcm128;
    private SrtpContext? _cmSender;
    private SrtpContext? _cmReceiver;
    private SrtpContext? _gcmSender;
    private SrtpContext? _gcmReceiver;
    private ushort _sequence;

    [Params(160, 1200)]
    public int PacketSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _buffer = new byte[PacketSize + 32];
        RtpHeader.Write(_buffer, false, 96, 0, 0, Ssrc);
        RandomNumberGenerator.Fill(_buffer.AsSpan(RtpHeader.FixedLength, PacketSize - RtpHeader.FixedLength));
        var key = RandomNumberGenerator.GetBytes(16);
        _nonce = RandomNumberGenerator.GetBytes(12);
        _aesGcm = new AesGcm(key, 16);
        _hardwareAesGcm = HardwareAesGcm.IsSupported ? new HardwareAesGcm(key) : null;
        _hardwareAesGcm128 = HardwareAesGcm.IsSupported ? new HardwareAesGcm(key, HardwareAesGcmPath.Vector128) : null;
        var cmSalt = RandomNumberGenerator.GetBytes(14);
        _cmSender = SrtpContext.Create(SrtpProfile.Aes128CmHmacSha1Tag80, key, cmSalt);
        _cmReceiver = SrtpContext.Create(SrtpProfile.Aes128CmHmacSha1Tag80, key, cmSalt);
        _gcmSender = SrtpContext.Create(SrtpProfile.AeadAes128Gcm, key, _nonce);
        _gcmReceiver = SrtpContext.Create(SrtpProfile.AeadAes128Gcm, key, _nonce);
    }

    [Benchmark(Baseline = true)]
    public void RawAesGcmSeal()
    {
        var payload = _buffer.AsSpan(RtpHeader.FixedLength, PacketSize - RtpHeader.FixedLength);
        _aesGcm!.Encrypt(_nonce, payload, payload, _buffer.AsSpan(PacketSize, 16), _buffer.AsSpan(0, RtpHeader.FixedLength));
    }

    [Benchmark]
    public void HardwareAesGcmSeal() => Seal(_hardwareAesGcm);

    [Benchmark]
    public void HardwareAesGcmSeal128() => Seal(_hardwareAesGcm128);

    /// <summary>Seal then open (open ≈ this − seal; open hashes before it decrypts, so it cannot run alone in place).</summary>
    [Benchmark]
    public bool HardwareAesGcmSealOpen() => SealOpen(_hardwareAesGcm);

    [Benchmark]
    public bool HardwareAesGcmSealOpen128() => SealOpen(_hardwareAesGcm128);

    [Benchmark]
    public int ProtectAeadAesGcm()
    {
        NextSequence();
        _gcmSender!.TryProtectRtp(_buffer, PacketSize, out var length);
        return length;
    }

    [Benchmark]
    public int ProtectAesCmHmacSha1()
    {
        NextSequence();
        _cmSender!.TryProtectRtp(_buffer, PacketSize, out var length);
        return length;
    }

    [Benchmark]
    public int RoundTripAeadAesGcm()
    {
        NextSequence();
        _gcmSender!.TryProtectRtp(_buffer, PacketSize, out var length);
        if (!_gcmReceiver!.TryUnprotectRtp(_buffer, length, out var plain))
        {
            throw new InvalidOperationException("unprotect failed");
        }

        return plain;
    }

    [Benchmark]
    public int RoundTripAesCmHmacSha1()
    {
        NextSequence();
        _cmSender!.TryProtectRtp(_buffer, PacketSize, out var length);
        if (!_cmReceiver!.TryUnprotectRtp(_buffer, length, out var plain))
        {
            throw new InvalidOperationException("unprotect failed");
        }

        return plain;
    }

    private void Seal(HardwareAesGcm? gcm)
    {
        var payload = _buffer.AsSpan(RtpHeader.FixedLength, PacketSize - RtpHeader.FixedLength);
        (gcm ?? throw new PlatformNotSupportedException("No AES-NI/PCLMULQDQ on this CPU."))
            .Encrypt(_nonce, payload, _buffer.AsSpan(PacketSize, 16), _buffer.AsSpan(0, RtpHeader.FixedLength));
    }

    private bool SealOpen(HardwareAesGcm? gcm)
    {
        Seal(gcm);
        var payload = _buffer.AsSpan(RtpHeader.FixedLength, PacketSize - RtpHeader.FixedLength);
        return gcm!.TryDecrypt(_nonce, payload, _buffer.AsSpan(PacketSize, 16), _buffer.AsSpan(0, RtpHeader.FixedLength));
    }

    private void NextSequence() => BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(2), ++_sequence);

    public void Dispose()
    {
        _aesGcm?.Dispose();
        _hardwareAesGcm?.Dispose();
        _hardwareAesGcm128?.Dispose();
        _cmSender?.Dispose();
        _cmReceiver?.Dispose();
        _gcmSender?.Dispose();
        _gcmReceiver?.Dispose();
        GC.SuppressFinalize(this);
    }
}
