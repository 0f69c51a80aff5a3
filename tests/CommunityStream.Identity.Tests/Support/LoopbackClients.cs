using System.Net;
using System.Net.Sockets;

namespace CommunityStream.Identity.Tests.Support;

/// <summary>
/// HTTP clients whose sockets are bound to another loopback address (127.0.0.2, 127.0.0.3, …: all of 127/8 is loopback
/// on Linux), so the server sees distinct client addresses over real TCP, without forwarded headers.
/// </summary>
public static class LoopbackClients
{
    public static HttpClient From(Uri baseAddress, string localAddress)
    {
        var local = IPAddress.Parse(localAddress);
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(local, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }
}
