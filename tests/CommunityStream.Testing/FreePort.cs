using System.Net;
using System.Net.Sockets;

namespace CommunityStream.Testing;

/// <summary>Loopback TCP ports that are free right now (for settings that must be known before start).</summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
