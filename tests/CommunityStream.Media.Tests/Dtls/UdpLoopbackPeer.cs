using System.Net;
using System.Net.Sockets;

namespace CommunityStream.Media.Tests.Dtls;

/// <summary>A real UDP socket on 127.0.0.1 with a receive loop, standing in for one end of an ICE pair.</summary>
internal sealed class UdpLoopbackPeer : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly CancellationTokenSource _stop = new();

    public UdpLoopbackPeer()
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
    }

    public IPEndPoint EndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    /// <summary>Datagrams this peer has sent (to assert on flights such as HelloVerifyRequest).</summary>
    public List<byte[]> Sent { get; } = [];

    /// <summary>When set, outgoing datagrams for which this returns true are dropped (simulated loss).</summary>
    public Func<byte[], bool>? DropOutgoing { get; set; }

    public Action<ReadOnlyMemory<byte>> SenderTo(IPEndPoint remote) => datagram =>
    {
        var bytes = datagram.ToArray();
        lock (Sent)
        {
            Sent.Add(bytes);
        }
        if (DropOutgoing?.Invoke(bytes) == true)
        {
            return;
        }
        _socket.SendTo(bytes, remote);
    };

    public void StartReceiving(Action<byte[]> onDatagram) => _ = ReceiveLoopAsync(onDatagram);

    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
        _stop.Dispose();
    }

    private async Task ReceiveLoopAsync(Action<byte[]> onDatagram)
    {
        var buffer = new byte[2048];
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var result = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
                onDatagram(buffer.AsSpan(0, result.ReceivedBytes).ToArray());
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
        }
    }
}
