using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using CommunityStream.Media.Forwarding;
using CommunityStream.WebRtc.Dtls;
using CommunityStream.WebRtc.Rtp;
using CommunityStream.WebRtc.Sdp;
using CommunityStream.WebRtc.Srtp;
using CommunityStream.WebRtc.Transport;

namespace CommunityStream.Media.Benchmarks;

/// <summary>
/// The user-space half of the fan-out, per viewer copy of a 1,200-byte video packet: each of <see cref="Viewers"/>
/// forwarders rewrites the header into a <see cref="UdpBatchSender"/> slot and SRTP-protects it (AES-128-GCM) in
/// place; the batch is then discarded instead of sent, so the kernel's share (measured end to end by
/// bench/kernel-ceiling/udpfan.c) is left out. Baseline: the bare AES-GCM seal of the same bytes, the part no
/// forwarder can avoid. <see cref="ViewerForwarder"/> and its packet types are the Media module's own source files,
/// compiled into this project (see its .csproj), so the module keeps its internals to itself.
/// </summary>
[MemoryDiagnoser]
public class FanoutCopyBenchmarks : IDisposable
{
    private const int PacketSize = 1200;
    private readonly byte[] _sealBuffer = new byte[PacketSize + 16];
    private Socket _socket = null!;
    private UdpBatchSender _batch = null!;
    private ViewerForwarder[] _forwarders = [];
    private ProtectingSink[] _sinks = [];
    private AesGcm _gcm = null!;
    private byte[] _nonce = [];
    private byte[] _data = [];
    private ushort _sequence;

    [Params(200)]
    public int Viewers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _batch = new UdpBatchSender(_socket, 64);
        var published = new PublishedTrack[] { new(MediaKind.Audio, 111, "opus", 48000), new(MediaKind.Video, 96, "VP8", 90000) };
        _sinks = Enumerable.Range(0, Viewers).Select(i => new ProtectingSink(new IPEndPoint(IPAddress.Loopback, 20000 + i).Serialize())).ToArray();
        _forwarders = _sinks.Select(sink => new ViewerForwarder(sink, ViewerAnswer(), published)).ToArray();
        _data = new byte[PacketSize];
        RandomNumberGenerator.Fill(_data);
        var header = RtpHeader.Write(_data, false, 96, 0, 0, 0xAABBCCDD);
        var extensions = new RtpHeaderExtensionWriter(_data, header, twoByte: false);
        extensions.Add(4, "1"u8);
        extensions.Complete();
        _gcm = new AesGcm(RandomNumberGenerator.GetBytes(16), 16);
        _nonce = RandomNumberGenerator.GetBytes(12);
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _batch.Dispose();
        _socket.Dispose();
        _gcm.Dispose();
        foreach (var sink in _sinks)
        {
            sink.Dispose();
        }
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = 200)]
    public void SealOnly()
    {
        var payload = _sealBuffer.AsSpan(RtpHeader.FixedLength, PacketSize - RtpHeader.FixedLength);
        for (var i = 0; i < 200; i++)
        {
            _gcm.Encrypt(_nonce, payload, payload, _sealBuffer.AsSpan(PacketSize, 16), _sealBuffer.AsSpan(0, RtpHeader.FixedLength));
        }
    }

    [Benchmark(OperationsPerInvoke = 200)]
    public void ForwardIntoBatch()
    {
        var packet = new MediaPacket(MediaKind.Video, _data, 20, ++_sequence, _sequence * 3000u, false, false, Stopwatch.GetTimestamp());
        var now = Stopwatch.GetTimestamp();
        foreach (var forwarder in _forwarders)
        {
            forwarder.ForwardInto(packet, _batch, now);
            if (_batch.Queued == 64)
            {
                _batch.DiscardQueued();
            }
        }
        _batch.DiscardQueued();
    }

    private static SdpAnswer ViewerAnswer() => new(
        "",
        [
            new NegotiatedMedia { Mid = "0", Kind = "audio", Codec = new SdpCodec(111, "opus", 48000, 2), LocalSsrc = 0x1111 },
            new NegotiatedMedia
            {
                Mid = "1", Kind = "video", Codec = new SdpCodec(96, "VP8", 90000, 0), LocalSsrc = (uint)Random.Shared.Next(),
                Extensions = new Dictionary<string, int> { ["urn:ietf:params:rtp-hdrext:sdes:mid"] = 4 },
            },
        ],
        "ufrag",
        "pwd",
        DtlsFingerprint.Parse("sha-256 " + string.Join(':', Enumerable.Repeat("AB", 32)))!);

    /// <summary>What a viewer's transport does for the batched path: protect with its own SRTP context, name the destination.</summary>
    private sealed class ProtectingSink(SocketAddress destination) : IRtpSink, IDisposable
    {
        private readonly SrtpContext _srtp = SrtpContext.Create(SrtpProfile.AeadAes128Gcm, RandomNumberGenerator.GetBytes(16), RandomNumberGenerator.GetBytes(12));

        public bool SendRtp(ReadOnlySpan<byte> packet) => true;

        public bool SendRtcp(ReadOnlySpan<byte> packet) => true;

        public bool TryProtectRtp(Span<byte> buffer, int length, out int protectedLength, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SocketAddress? to)
        {
            to = destination;
            return _srtp.TryProtectRtp(buffer, length, out protectedLength);
        }

        public void Dispose() => _srtp.Dispose();
    }
}
