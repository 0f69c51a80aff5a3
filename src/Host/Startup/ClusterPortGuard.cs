using System.Net;
using System.Net.Sockets;
using CommunityStream.Host.Configuration;

namespace CommunityStream.Host.Startup;

/// <summary>
/// Refuses to start a second node on a cluster port another process already listens on. Akka.Remote's socket lets a
/// second process bind the same port (both then report ready), and two nodes with one address would share their
/// leases' owner name: the database could not tell them apart. A plain exclusive bind fails on a port in use.
/// </summary>
internal static class ClusterPortGuard
{
    /// <summary>Throws <see cref="StartupConfigurationException"/> naming <c>Cluster:Port</c> when the port is taken.</summary>
    public static void EnsureFree(ClusterSettings cluster)
    {
        if (cluster.Port == 0)
        {
            return;
        }
        foreach (var address in Addresses(cluster.Hostname))
        {
            using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { ExclusiveAddressUse = true };
            try
            {
                socket.Bind(new IPEndPoint(address, cluster.Port));
                socket.Listen();
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                throw new StartupConfigurationException(
                    $"Configuration 'Cluster:Port' (env CS_Cluster__Port) {cluster.Port} is already in use on {address}: another node runs there.");
            }
        }
    }

    private static IEnumerable<IPAddress> Addresses(string hostname)
    {
        if (IPAddress.TryParse(hostname, out var literal))
        {
            return [literal];
        }
        try
        {
            return Dns.GetHostAddresses(hostname).Take(1);
        }
        catch (SocketException)
        {
            // Akka.Remote reports an unresolvable hostname itself, with its own message.
            return [];
        }
    }
}
