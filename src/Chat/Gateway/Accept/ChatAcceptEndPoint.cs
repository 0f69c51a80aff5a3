using System.Net;

namespace CommunityStream.Chat.Gateway.Accept;

/// <summary>
/// The endpoint of a public plain-HTTP listener whose connections Chat accepts itself
/// (<see cref="ChatAcceptListenerFactory"/>): <c>GET /ws</c> upgrades become chat sockets on the bare
/// <see cref="System.Net.Sockets.Socket"/>, everything else goes to Kestrel untouched. Kestrel picks the listener
/// factory by the endpoint's type, so the admin listener and TLS listeners (plain <see cref="IPEndPoint"/>s) keep
/// Kestrel's own transport.
/// </summary>
internal sealed class ChatAcceptEndPoint(IPAddress address, int port) : IPEndPoint(address, port);
