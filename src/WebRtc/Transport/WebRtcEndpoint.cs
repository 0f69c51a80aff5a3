using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using CommunityStream.WebRtc.Stun;

namespace CommunityStream.WebRtc.Transport;

/// <summary>
/// The one UDP socket every WebRTC peer of the process shares. A dedicated receive thread demultiplexes by first
/// byte (RFC 7983): STUN is routed by the local ufrag in USERNAME, everything else by the remote address of the
/// peer's selected ICE pair. Unroutable datagrams are dropped and counted; nothing a peer sends can stop the loop.
/// </summary>
public sealed class WebRtcEndpoint : IDisposable
{
    private const int MaxDatagram = 2048;

    private readonly Socket _socket;
    private readonly ConcurrentDictionary<string, WebRtcTransport> _byUfrag = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<SocketAddress, WebRtcTransport> _byAddress = new();
    private readonly bool _segmentation;
    private readonly Thread _receiver;
    private readonly Timer _consentTimer;
    private long _dropped;
    private long _stunDiscarded;

    /// <summary>
    /// Binds the socket and starts the receive thread and the once-a-second consent check.
    /// </summary>
    /// <param name="bind">Address and port to bind; port 0 picks a free one (see <see cref="LocalEndPoint"/>).</param>
    /// <param name="segmentation">Whether <see cref="CreateBatchSender"/>'s senders coalesce runs into UDP GSO messages (Linux).</param>
    /// <exception cref="System.Net.Sockets.SocketException">The address cannot be bound.</exception>
    public WebRtcEndpoint(IPEndPoint bind, bool segmentation = true)
    {
        _segmentation = segmentation;
        _socket = new Socket(bind.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        // Media arrives and leaves in bursts (a keyframe, one packet to every viewer): the kernel's default ~208 KB
        // drops a burst before we see it. Linux caps these at net.core.rmem_max / wmem_max (raise those in deployment).
        _socket.ReceiveBufferSize = 4 * 1024 * 1024;
        _socket.SendBufferSize = 4 * 1024 * 1024;
        if (bind.AddressFamily == AddressFamily.InterNetwork)
        {
            // DF, as WebRTC stacks send media (packets fit a 1,200-byte budget); it also spares Linux picking an IP ID
            // per datagram, ~3 % of the fan-out's CPU at 900 viewers.
            _socket.DontFragment = true;
        }
        _socket.Bind(bind);
        LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        _receiver = new Thread(ReceiveLoop) { IsBackground = true, Name = $"webrtc-udp-{LocalEndPoint.Port}" };
        _receiver.Start();
        _consentTimer = new Timer(_ => CheckConsent(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    /// <summary>The address the socket is bound to, with the port it actually got.</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Datagrams no transport claimed (unknown ufrag or address, or unparseable).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>
    /// Well-formed STUN responses and indications, discarded unanswered (RFC 8489 §6.3); also counted in <see cref="Dropped"/>.
    /// </summary>
    public long StunDiscarded => Interlocked.Read(ref _stunDiscarded);

    internal void Register(WebRtcTransport transport) => _byUfrag[transport.Local.Ufrag] = transport;

    internal void Unregister(WebRtcTransport transport)
    {
        _byUfrag.TryRemove(new KeyValuePair<string, WebRtcTransport>(transport.Local.Ufrag, transport));
        foreach (var entry in _byAddress.Where(e => ReferenceEquals(e.Value, transport)).ToList())
        {
            _byAddress.TryRemove(entry);
        }
    }

    /// <summary>Points a remote address at a transport (its newly selected pair), replacing its old one.</summary>
    internal void Route(SocketAddress? previous, SocketAddress current, WebRtcTransport transport)
    {
        if (previous is not null)
        {
            _byAddress.TryRemove(new KeyValuePair<SocketAddress, WebRtcTransport>(previous, transport));
        }
        _byAddress[current] = transport;
    }

    /// <summary>A batched sender on this socket for one sending thread (a stream's fan-out).</summary>
    public UdpBatchSender CreateBatchSender() => new(_socket, segmentation: _segmentation);

    internal void Send(ReadOnlySpan<byte> datagram, SocketAddress to)
    {
        try
        {
            _socket.SendTo(datagram, SocketFlags.None, to);
        }
        catch (SocketException)
        {
            // ICMP unreachable and friends: the consent check will notice a peer that is gone.
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Stops the consent timer, closes the socket (which ends the receive thread) and disposes every registered transport.</summary>
    public void Dispose()
    {
        _consentTimer.Dispose();
        _socket.Dispose();
        foreach (var transport in _byUfrag.Values)
        {
            transport.Dispose();
        }
    }

    private void ReceiveLoop()
    {
        var buffer = new byte[MaxDatagram];
        var from = new SocketAddress(LocalEndPoint.AddressFamily);
        while (true)
        {
            int length;
            try
            {
                length = _socket.ReceiveFrom(buffer, SocketFlags.None, from);
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.MessageSize)
            {
                continue;
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return;
            }
            try
            {
                Dispatch(buffer.AsSpan(0, length), from);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // A bug in one peer's handling must not end every peer's media.
                Interlocked.Increment(ref _dropped);
            }
        }
    }

    private void Dispatch(Span<byte> datagram, SocketAddress from)
    {
        var kind = DatagramClassifier.Classify(datagram);
        if (kind == DatagramKind.Stun)
        {
            if (!StunMessageReader.TryParse(datagram, out var message))
            {
                Interlocked.Increment(ref _dropped);
                return;
            }
            // RFC 8489 §6.3: a lite agent never sends requests (RFC 8445 §2.5), so every response is one it did not ask
            // for and is discarded; indications are never answered (Binding indications are keep-alives, RFC 8445 §11).
            if (message.Type.Class != StunClass.Request)
            {
                Interlocked.Increment(ref _stunDiscarded);
                Interlocked.Increment(ref _dropped);
                return;
            }
            if (!message.TryGetUsername(out var username))
            {
                ParseFailureCounters.StunRejected();
                Interlocked.Increment(ref _dropped);
                return;
            }
            var colon = username.IndexOf((byte)':');
            var ufrag = Encoding.ASCII.GetString(colon < 0 ? username : username[..colon]);
            if (_byUfrag.TryGetValue(ufrag, out var byUfrag))
            {
                byUfrag.HandleStun(in message, from);
                return;
            }
            Interlocked.Increment(ref _dropped);
            return;
        }
        if (kind != DatagramKind.Unknown && _byAddress.TryGetValue(from, out var transport))
        {
            transport.HandleDatagram(kind, datagram);
            return;
        }
        Interlocked.Increment(ref _dropped);
    }

    private void CheckConsent()
    {
        foreach (var transport in _byUfrag.Values)
        {
            transport.CheckConsent();
        }
    }
}
