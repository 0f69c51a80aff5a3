using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using CommunityStream.WebRtc;
using CommunityStream.WebRtc.Dtls;
using CommunityStream.WebRtc.Srtp;
using CommunityStream.WebRtc.Stun;
using CommunityStream.WebRtc.Transport;

namespace CommunityStream.MediaLoad;

/// <summary>Receives a peer's SRTP and SRTCP datagrams (still protected) on its receive loop, one at a time.</summary>
internal interface IPeerMediaSink
{
    void OnRtp(ClientPeer peer, Span<byte> datagram);

    void OnRtcp(ClientPeer peer, Span<byte> datagram);
}

/// <summary>
/// The client end of one WebRTC session, built from our own primitives: a UDP socket connected to the server's
/// candidate, ICE as the controlling agent (<see cref="IceCheck"/>), DTLS as client through the shared
/// <see cref="DtlsHandshaker"/>, and SRTP contexts from the exported keys. Either one async receive loop per peer
/// (thread-pool continuations, no thread per peer) or a shared <see cref="ReceivePoller"/> reads the socket; both
/// demultiplex STUN, DTLS and media (RFC 7983) through <see cref="Dispatch"/>, one datagram at a time.
/// </summary>
internal sealed class ClientPeer : IDisposable
{
    private static readonly SrtpProfile[] Profiles = [SrtpProfile.AeadAes128Gcm, SrtpProfile.Aes128CmHmacSha1Tag80];

    private readonly Socket _socket;
    private readonly ReceivePoller? _poller;
    private readonly CancellationTokenSource _stop = new();
    private readonly byte[] _nominationTransaction = new byte[StunMessageWriter.TransactionIdLength];
    private readonly TaskCompletionSource _iceConnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ulong _tieBreaker = IceCheck.NewTieBreaker();
    private byte[] _username = [];
    private byte[] _serverKey = [];
    private DtlsSession? _dtls;
    private Task _receiving = Task.CompletedTask;
    private long _lastConsentTicks;

    /// <param name="localAddress">Loopback address to bind to.</param>
    /// <param name="poller">Reads this socket instead of an async loop; the socket then never sees an async operation.</param>
    public ClientPeer(IPAddress localAddress, ReceivePoller? poller = null)
    {
        _poller = poller;
        _socket = new Socket(localAddress.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        // ~0.4 s of a 2.5 Mbit/s stream (the kernel caps it at net.core.rmem_max): a generator pause of a few
        // hundred ms must not turn into loss that is not the server's.
        _socket.ReceiveBufferSize = 1 << 20;
        _socket.Bind(new IPEndPoint(localAddress, 0));
        LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
    }

    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Takes UDP GSO messages whole (<c>UDP_GRO</c>, Linux 5.0+), for a <see cref="ReceivePoller"/> that cuts them.</summary>
    public void EnableGro() => _socket.SetRawSocketOption(LinuxSendMmsg.SolUdp, LinuxSendMmsg.UdpGro, BitConverter.GetBytes(1));

    /// <summary>The socket's descriptor, for <see cref="ReceivePoller"/>.</summary>
    internal nint SocketHandle => _socket.SafeHandle.DangerousGetHandle();

    public IceCredentials Local { get; } = IceCredentials.Generate();

    public RemoteDescription? Remote { get; private set; }

    /// <summary>Unprotects what the server sends; use only on the receive loop.</summary>
    public SrtpContext? Inbound { get; private set; }

    /// <summary>Protects what we send; use from one sending thread.</summary>
    public SrtpContext? Outbound { get; private set; }

    public IPeerMediaSink? Sink { get; set; }

    /// <summary>Consent checks the server answered (authenticated).</summary>
    public long ConsentResponses;

    /// <summary>Datagrams we could not place (unknown kind, STUN not for us, media before keys).</summary>
    public long Unexpected;

    /// <summary>DTLS records that arrived after our handshake had finished (ignored).</summary>
    public long DtlsAfterHandshake;

    /// <summary>Send or receive errors (e.g. ICMP port unreachable after the server went away).</summary>
    public long SocketErrors;

    /// <summary>When the server last answered a check, as a <see cref="Stopwatch"/> timestamp.</summary>
    public long LastConsentTicks => Interlocked.Read(ref _lastConsentTicks);

    /// <summary>ICE (checks retransmitted every 100 ms), then the DTLS handshake as client; throws on failure or timeout.</summary>
    public async Task ConnectAsync(RemoteDescription remote, DtlsHandshaker handshaker, TimeSpan timeout, CancellationToken cancel)
    {
        Remote = remote;
        _username = Encoding.ASCII.GetBytes($"{remote.IceUfrag}:{Local.Ufrag}");
        _serverKey = StunCredentials.ShortTermKey(remote.IcePwd);
        _socket.Connect(remote.Candidate);
        if (_poller is null)
        {
            _receiving = ReceiveLoopAsync();
        }
        else
        {
            _poller.Add(this);
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel, _stop.Token);
        deadline.CancelAfter(timeout);
        StunMessageWriter.NewTransactionId(_nominationTransaction);
        // RFC 8445 §14.3 paces checks; 100 ms over loopback, bounded by the timeout.
        while (!_iceConnected.Task.IsCompleted)
        {
            SendCheck(_nominationTransaction, nominate: true);
            try
            {
                await _iceConnected.Task.WaitAsync(TimeSpan.FromMilliseconds(100), deadline.Token);
            }
            catch (TimeoutException)
            {
                // Retransmit.
            }
            catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
            {
                throw new TimeoutException("no ICE response");
            }
        }

        _dtls = handshaker.Connect(remote.Fingerprint, Profiles, datagram => Send(datagram.Span));
        SrtpKeyingMaterial keys;
        try
        {
            keys = await _dtls.Completion.WaitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            throw new TimeoutException("DTLS handshake timed out");
        }
        Inbound = SrtpContext.Create(keys.Profile, keys.RemoteKey, keys.RemoteSalt);
        Outbound = SrtpContext.Create(keys.Profile, keys.LocalKey, keys.LocalSalt);
    }

    /// <summary>A consent freshness check (RFC 7675 §5.1); the server closes a session without them after 30 s.</summary>
    public void SendConsentCheck()
    {
        Span<byte> transaction = stackalloc byte[StunMessageWriter.TransactionIdLength];
        StunMessageWriter.NewTransactionId(transaction);
        SendCheck(transaction, nominate: false);
    }

    public void Send(ReadOnlySpan<byte> datagram)
    {
        try
        {
            _socket.Send(datagram, SocketFlags.None);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            Interlocked.Increment(ref SocketErrors);
        }
    }

    /// <summary>Stops the receive loop and closes the socket; the returned task ends with the loop.</summary>
    public Task Close()
    {
        if (!_stop.IsCancellationRequested)
        {
            _stop.Cancel();
            // After Remove no sweep reads the descriptor, so closing cannot race a recvmmsg on a reused number.
            _poller?.Remove(this);
            _socket.Dispose();
        }
        return _receiving;
    }

    /// <summary>Closes the socket and releases the DTLS session; the SRTP keys go when the receive loop has ended.</summary>
    public void Dispose()
    {
        Close();
        _dtls?.Dispose();
        if (_receiving.IsCompleted)
        {
            // The receive loop may still be unprotecting a packet with Inbound otherwise.
            Inbound?.Dispose();
            Outbound?.Dispose();
        }
    }

    private void SendCheck(ReadOnlySpan<byte> transaction, bool nominate)
    {
        Span<byte> request = stackalloc byte[256];
        var length = IceCheck.WriteRequest(request, transaction, _username, _serverKey, _tieBreaker, nominate);
        Send(request[..length]);
    }

    /// <summary>Kernel arrival of the datagram being dispatched (Stopwatch ticks), or 0; async-loop peers only.</summary>
    public long ArrivedAt { get; private set; }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[2048];
        SocketArrival.Enable(_socket);
        // Runs until Dispose: the run's own deadline disposes every peer, so the loop is bounded in time.
        while (!_stop.IsCancellationRequested)
        {
            int length;
            try
            {
                length = await _socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
            }
            catch (SocketException)
            {
                // ICMP errors surface here on a connected socket; a gone server ends the run's checks, not this loop.
                Interlocked.Increment(ref SocketErrors);
                await Task.Delay(10);
                continue;
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            ArrivedAt = SocketArrival.TryRead(_socket, out var arrivedAt) ? arrivedAt : 0;
            Dispatch(buffer.AsSpan(0, length));
        }
    }

    internal void CountSocketError() => Interlocked.Increment(ref SocketErrors);

    /// <summary>Handles one received datagram; called by the receive loop or the poller, never both.</summary>
    internal void Dispatch(Span<byte> datagram)
    {
        switch (DatagramClassifier.Classify(datagram))
        {
            case DatagramKind.Stun when IceCheck.IsAuthenticSuccess(datagram, _serverKey, out var transaction):
                Interlocked.Exchange(ref _lastConsentTicks, Stopwatch.GetTimestamp());
                if (transaction.SequenceEqual(_nominationTransaction))
                {
                    _iceConnected.TrySetResult();
                }
                else
                {
                    Interlocked.Increment(ref ConsentResponses);
                }
                break;
            case DatagramKind.Dtls when Inbound is not null:
                // After our handshake the server's DTLS records (a close_notify when its session ends) are of no use
                // to us, and feeding them to a finished BouncyCastle session costs a thread-pool drain each time.
                Interlocked.Increment(ref DtlsAfterHandshake);
                break;
            case DatagramKind.Dtls when _dtls is { } dtls:
                dtls.Receive(datagram);
                break;
            case DatagramKind.Rtp when Sink is { } sink && Inbound is not null:
                sink.OnRtp(this, datagram);
                break;
            case DatagramKind.Rtcp when Sink is { } sink && Inbound is not null:
                sink.OnRtcp(this, datagram);
                break;
            default:
                Interlocked.Increment(ref Unexpected);
                break;
        }
    }
}
