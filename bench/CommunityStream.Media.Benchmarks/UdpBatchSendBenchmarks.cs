using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using CommunityStream.WebRtc.Transport;

namespace CommunityStream.Media.Benchmarks;

/// <summary>
/// Fan-out of 1,200-byte datagrams to 8 loopback destinations: one <c>SendTo</c> per packet (baseline) against
/// <see cref="UdpBatchSender"/> (sendmmsg, <see cref="BatchSize"/> datagrams per call). Times are per packet.
/// Nobody reads the destination sockets, so the kernel drops once their buffers fill; both methods pay the
/// same loopback delivery, and the difference is the system-call and copy overhead.
/// </summary>
[MemoryDiagnoser]
public class UdpBatchSendBenchmarks : IDisposable
{
    private const int PacketsPerInvoke = 64;
    private readonly byte[] _packet = new byte[1200];
    private Socket _socket = null!;
    private Socket[] _destinations = [];
    private SocketAddress[] _addresses = [];
    private UdpBatchSender _batched = null!;

    [Params(16, 64)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _destinations = Enumerable.Range(0, 8).Select(_ =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            return socket;
        }).ToArray();
        _addresses = _destinations.Select(d => d.LocalEndPoint!.Serialize()).ToArray();
        _batched = new UdpBatchSender(_socket, BatchSize);
        Random.Shared.NextBytes(_packet);
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _batched.Dispose();
        _socket.Dispose();
        foreach (var destination in _destinations)
        {
            destination.Dispose();
        }
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = PacketsPerInvoke)]
    public void SendToPerPacket()
    {
        for (var i = 0; i < PacketsPerInvoke; i++)
        {
            _socket.SendTo(_packet, SocketFlags.None, _addresses[i & 7]);
        }
    }

    [Benchmark(OperationsPerInvoke = PacketsPerInvoke)]
    public void Batched()
    {
        for (var i = 0; i < PacketsPerInvoke; i++)
        {
            _batched.Queue(_packet, _addresses[i & 7]);
        }
        _batched.Flush();
    }
}
