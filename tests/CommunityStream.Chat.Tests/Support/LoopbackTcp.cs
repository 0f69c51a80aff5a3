using System.Net;
using System.Net.Sockets;

namespace CommunityStream.Chat.Tests.Support;

/// <summary>Real TCP connections over loopback for tests of the direct send path: a server end and a peer that reads.</summary>
internal static class LoopbackTcp
{
    public static async Task<(Socket Server, Socket Peer)> ConnectAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        var peer = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var accept = listener.AcceptAsync();
        await peer.ConnectAsync(listener.LocalEndPoint!);
        return (await accept, peer);
    }

    /// <summary>Reads exactly <paramref name="length"/> bytes, failing if the connection ends or <paramref name="timeout"/> passes.</summary>
    public static async Task<byte[]> ReceiveAsync(Socket peer, int length, TimeSpan timeout)
    {
        var buffer = new byte[length];
        var read = 0;
        using var cancel = new CancellationTokenSource(timeout);
        while (read < length)
        {
            var n = await peer.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, cancel.Token);
            Assert.True(n > 0, "the connection ended early");
            read += n;
        }
        return buffer;
    }
}
