using System.Net;
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
        endpoint is ChatAcceptEndPoint chat && DirectSocket.IsSupported && services.GetRequiredService<IOptions<ChatOptions>>().Value.AcceptSocketsItself
            ? ValueTask.FromResult<IConnectionListener>(ChatAcceptListener.Bind(chat, Acceptor, transport.Value, loggers))
            : _kestrel.BindAsync(endpoint, cancellationToken);
}
