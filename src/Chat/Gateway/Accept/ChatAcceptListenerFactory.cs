using System.Net;
using System.Net.Sockets;
using CommunityStream.Chat.Delivery;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CommunityStream.Chat.Gateway.Accept;

/// <summary>
/// Kestrel's transport for the listeners the Host marks with <see cref="ChatAcceptEndPoint"/>: Chat accepts their
/// sockets itself (<see cref="ChatAcceptListener"/>). Every other endpoint is bound by Kestrel's own socket transport,
/// so the factory is complete on its own whichever order the container lists the factories in.
/// </summary>
internal sealed class ChatAcceptListenerFactory(IServiceProvider services, IOptions<SocketTransportOptions> transport, ILoggerFactory loggers)
    : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    private readonly SocketTransportFactory _kestrel = new(transport, loggers);
    private readonly Lazy<ChatSocketAcceptor> _acceptor = new(() => new ChatSocketAcceptor(services));

    /// <summary>Decides for the sockets of every listener this factory bound.</summary>
    public ChatSocketAcceptor Acceptor => _acceptor.Value;

    public bool CanBind(EndPoint endpoint) => endpoint is ChatAcceptEndPoint || _kestrel.CanBind(endpoint);

    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default) =>
        endpoint switch
        {
            ChatAcceptEndPoint chat when DirectSocket.IsSupported && services.GetRequiredService<IOptions<ChatOptions>>().Value.AcceptSocketsItself =>
                ValueTask.FromResult<IConnectionListener>(ChatAcceptListener.Bind(chat, Acceptor, transport.Value, loggers)),
            ChatAcceptEndPoint chat => BindByKestrelAsync(new IPEndPoint(chat.Address, chat.Port), cancellationToken),
            _ => _kestrel.BindAsync(endpoint, cancellationToken),
        };

    // The own path is off: Kestrel's transport binds, and the any-address falls back to IPv4 on a host without IPv6, as
    // ListenAnyIP does.
    private async ValueTask<IConnectionListener> BindByKestrelAsync(IPEndPoint endpoint, CancellationToken cancellationToken)
    {
        try
        {
            return await _kestrel.BindAsync(endpoint, cancellationToken);
        }
        catch (SocketException ex) when (endpoint.Address.Equals(IPAddress.IPv6Any) && ex.SocketErrorCode == SocketError.AddressFamilyNotSupported)
        {
            return await _kestrel.BindAsync(new IPEndPoint(IPAddress.Any, endpoint.Port), cancellationToken);
        }
    }
}
