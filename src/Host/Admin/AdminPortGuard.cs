using System.Net.Sockets;
using CommunityStream.Host.Configuration;

namespace CommunityStream.Host.Admin;

/// <summary>
/// Fails the start with a line naming <c>Admin:Url</c> when its port is taken (two nodes on one machine keeping the
/// default 9110), before Kestrel would report a bare "address already in use".
/// </summary>
internal static class AdminPortGuard
{
    public static void EnsureFree(AdminSettings admin)
    {
        if (admin.Port == 0)
        {
            return;
        }
        using var socket = new Socket(admin.Address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { ExclusiveAddressUse = true };
        try
        {
            socket.Bind(admin.EndPoint);
            socket.Listen();
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw HostSettingsReader.Invalid("Admin:Url", $"'{admin.Url}' is already in use: another node or program listens there; give each node its own admin port");
        }
    }
}
