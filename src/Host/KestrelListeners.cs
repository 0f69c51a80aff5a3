using System.Net;
using CommunityStream.Chat;
using CommunityStream.Host.Admin;
using CommunityStream.Host.Configuration;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace CommunityStream.Host;

/// <summary>
/// Kestrel's listeners, declared in code rather than through <c>UseUrls</c>: the public ones (<c>Http:Url</c>) carry
/// Chat's pre-HTTP WebSocket upgrade, the admin one (<c>Admin:Url</c>) carries only the admin API and health.
/// </summary>
internal static class KestrelListeners
{
    public static void Configure(KestrelServerOptions kestrel, HostSettings settings, AdminListener admin)
    {
        foreach (var url in settings.Urls)
        {
            ListenPublic(kestrel, BindingAddress.Parse(url));
        }
        admin.Listen(kestrel, settings.Admin.EndPoint);
    }

    // The same host spellings Kestrel gives UseUrls: localhost is both loopbacks, an IP literal is itself, any other name
    // every interface. IP literals and any-host names on plain HTTP get Chat's own accept path; localhost (two
    // sockets, one allowed to fail) and TLS keep Kestrel's.
    private static void ListenPublic(KestrelServerOptions kestrel, BindingAddress address)
    {
        var tls = string.Equals(address.Scheme, "https", StringComparison.OrdinalIgnoreCase);

        void Public(ListenOptions listen)
        {
            listen.UseChatSocketUpgrades(tls);
            if (tls)
            {
                listen.UseHttps();
            }
        }

        if (string.Equals(address.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            kestrel.ListenLocalhost(address.Port, Public);
        }
        else if (IPAddress.TryParse(address.Host.Trim('[', ']'), out var ip))
        {
            kestrel.Listen(ChatModule.PublicListenerEndPoint(ip, address.Port, tls), Public);
        }
        else if (!tls)
        {
            // Both families, as ListenAnyIP (Chat's listener falls back to IPv4 where IPv6 is missing).
            kestrel.Listen(ChatModule.PublicListenerEndPoint(IPAddress.IPv6Any, address.Port, tls), Public);
        }
        else
        {
            kestrel.ListenAnyIP(address.Port, Public);
        }
    }
}
