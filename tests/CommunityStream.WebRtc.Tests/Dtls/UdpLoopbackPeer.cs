using System.Net;
using System.Net.Sockets;

namespace CommunityStream.WebRtc.Tests.Dtls;

/// <summary>A real UDP socket on 127.0.0.1 with a receive loop, standing in for one end of an ICE pair.</summary>
internal sealed class UdpLoopbackPeer : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

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

    /// <summary>
    /// Receives on a dedicated thread, as <c>WebRtcEndpoint</c> does: neither the thread pool nor xunit's
    /// synchronization context (both shared with every test class running in parallel) sits between a datagram
    /// and the DTLS session it is for.
    /// </summary>
    public void StartReceiving(Action<byte[]> onDatagram) =>
        new Thread(() => ReceiveLoop(onDatagram)) { IsBackground = true, Name = $"udp-loopback-{EndPoint.Port}" }.Start();

    public void Dispose() => _socket.Dispose();

    private void ReceiveLoop(Action<byte[]> onDatagram)
    {
        var buffer = new byte[2048];
        EndPoint from = new IPEndPoint(IPAddress.Any, 0);
        while (true)
        {
            try
            {
                var length = _socket.ReceiveFrom(buffer, ref from);
                onDatagram(buffer.AsSpan(0, length).ToArray());
            }
            catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
            {
                // Disposed: the blocking receive is aborted and the loop ends.
                return;
            }
        }
    }
}
