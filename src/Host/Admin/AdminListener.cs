using System.Net;
using CommunityStream.BuildingBlocks;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace CommunityStream.Host.Admin;

/// <summary>
/// The admin listener's identity. Its connections are tagged when Kestrel accepts them, so endpoints decide by the
/// listener a request arrived on, never by its Host header (which the caller writes).
/// </summary>
public sealed class AdminListener
{
    private ListenOptions? _listen;

    /// <summary>The address the listener is bound to, with the real port once Kestrel has started (port 0 in tests).</summary>
    public Uri Address => _listen?.IPEndPoint is { } bound
        ? new Uri($"http://{(bound.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{bound.Address}]" : bound.Address.ToString())}:{bound.Port}")
        : throw new InvalidOperationException("The admin listener is not configured yet.");

    /// <summary>True when the request came in through a connection the admin listener accepted.</summary>
    public static bool Accepted(HttpContext context) => AdminConnection.Is(context);

    /// <summary>Binds the admin endpoint on Kestrel and tags every connection it accepts.</summary>
    internal void Listen(KestrelServerOptions kestrel, IPEndPoint endPoint)
    {
        kestrel.Listen(endPoint, listen =>
        {
            _listen = listen;
            // HTTP/1.1 only: csctl and Prometheus speak it, and a second protocol is more surface for nothing.
            listen.Protocols = HttpProtocols.Http1;
            listen.Use(next => connection =>
            {
                connection.Items[AdminConnection.Tag] = true;
                return next(connection);
            });
        });
    }
}
