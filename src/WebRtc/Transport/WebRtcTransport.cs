using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using CommunityStream.WebRtc.Dtls;
using CommunityStream.WebRtc.Srtp;
using CommunityStream.WebRtc.Stun;

namespace CommunityStream.WebRtc.Transport;

/// <summary>
/// One peer's WebRTC transport on the shared endpoint: an ICE-lite agent (always controlled, host candidates only),
/// the DTLS server on the selected pair, and SRTP/SRTCP contexts once DTLS has exported keys. Received media is
/// decrypted in place and handed to <see cref="RtpReceived"/> / <see cref="RtcpReceived"/> on the receive thread.
/// </summary>
/// <remarks>
/// Threads: STUN checks, DTLS datagrams and media arrive on the endpoint's receive thread; the handshake runs on a
/// <see cref="DtlsHandshaker"/> thread and <see cref="Connected"/> completes on the thread pool; sending
/// (<see cref="SendRtp"/>, <see cref="SendRtcp"/>, <see cref="TryProtectRtp"/>) is safe from any thread; <see cref="Closed"/>
/// is raised once, on the thread that closed it (the consent timer, the thread pool after a DTLS failure, or the caller
/// of <see cref="Dispose"/>).
/// </remarks>
public sealed class WebRtcTransport : IRtpSink, IDisposable
{
    private readonly WebRtcEndpoint _endpoint;
    private readonly DtlsHandshaker _handshaker;
    private readonly DtlsFingerprint _remoteFingerprint;
    private readonly byte[] _remoteUfragPrefix;
    private readonly byte[] _localUfrag;
    private readonly TimeSpan _consentTimeout;
    private readonly byte[] _sendBuffer = new byte[2048];
    private readonly Lock _sendGate = new();
    private SocketAddress? _selected;
    private IPEndPoint? _selectedEndPoint;
    private DtlsSession? _dtls;
    private SrtpContext? _inbound;
    private SrtpContext? _outbound;
    private long _lastConsentTicks;
    private int _closed;

    /// <summary>
    /// Creates the transport for one negotiated peer and registers it with <paramref name="endpoint"/>, which from now on
    /// routes STUN checks for <paramref name="local"/>'s ufrag to it. Nothing is sent until the peer's first valid check.
    /// </summary>
    /// <param name="endpoint">The shared socket.</param>
    /// <param name="handshaker">Runs the DTLS server handshake once a pair is selected.</param>
    /// <param name="local">Our ICE credentials, as written in the SDP answer.</param>
    /// <param name="remoteUfrag">The peer's ICE ufrag from its offer; checks must name it after the colon in USERNAME.</param>
    /// <param name="remoteFingerprint">The peer's certificate fingerprint from its offer; DTLS fails on any other certificate.</param>
    /// <param name="consentTimeout">Close when no valid check has arrived for this long (RFC 7675 §5.1; browsers check every ~5 s).</param>
    public WebRtcTransport(WebRtcEndpoint endpoint, DtlsHandshaker handshaker, IceCredentials local, string remoteUfrag, DtlsFingerprint remoteFingerprint, TimeSpan consentTimeout)
    {
        Local = local;
        _localUfrag = System.Text.Encoding.ASCII.GetBytes(local.Ufrag);
        _endpoint = endpoint;
        _handshaker = handshaker;
        _remoteFingerprint = remoteFingerprint;
        RemoteUfrag = remoteUfrag;
        _remoteUfragPrefix = System.Text.Encoding.ASCII.GetBytes(":" + remoteUfrag);
        _consentTimeout = consentTimeout;
        _lastConsentTicks = Stopwatch.GetTimestamp();
        endpoint.Register(this);
    }

    /// <summary>Our ICE credentials, as written in the SDP answer.</summary>
    public IceCredentials Local { get; }

    /// <summary>The peer's ICE ufrag from its offer (a different one in a PATCH means an ICE restart).</summary>
    public string RemoteUfrag { get; }

    /// <summary>The remote address of the selected ICE pair, once a check nominated it.</summary>
    public IPEndPoint? SelectedRemote => Volatile.Read(ref _selectedEndPoint);

    /// <summary>Completes with the SRTP keys when DTLS finishes; faults if it fails.</summary>
    public Task<SrtpKeyingMaterial> Connected => _connected.Task;

    private readonly TaskCompletionSource<SrtpKeyingMaterial> _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Called with each authenticated, decrypted RTP packet, on the endpoint's receive thread. Set it before the peer
    /// connects; one handler, which must not block.
    /// </summary>
    public PacketHandler? RtpReceived { get; set; }

    /// <summary>Called with each authenticated, decrypted RTCP compound packet, as <see cref="RtpReceived"/>.</summary>
    public PacketHandler? RtcpReceived { get; set; }

    /// <summary>Raised once when the transport closes (consent lost, DTLS failure or disposal).</summary>
    public event Action<WebRtcTransport, string>? Closed;

    // Counters: written with Interlocked on the receive and send paths, read for diagnostics.
    private long _packetsReceived;
    private long _packetsRejected;
    private long _packetsSent;
    private long _packetsBeforeKeys;
    private long _dtlsReceived;
    private long _dtlsSent;
    private long _bytesReceived;
    private long _bytesSent;

    /// <summary>Bytes of SRTP/SRTCP datagrams that authenticated (as received, before decryption).</summary>
    public long BytesReceived => Volatile.Read(ref _bytesReceived);

    /// <summary>Bytes of the protected RTP and RTCP packets counted by <see cref="PacketsSent"/>.</summary>
    public long BytesSent => Volatile.Read(ref _bytesSent);

    /// <summary>True once the transport closed: its counters no longer move.</summary>
    public bool IsClosed => Volatile.Read(ref _closed) == 1;

    /// <summary>RTP packets that authenticated.</summary>
    public long PacketsReceived => Volatile.Read(ref _packetsReceived);

    /// <summary>SRTP/SRTCP packets that failed to authenticate (forged, replayed, too old) and datagrams of unknown kind.</summary>
    public long PacketsRejected => Volatile.Read(ref _packetsRejected);

    /// <summary>RTP and RTCP packets protected for sending (both through this transport and into batch senders).</summary>
    public long PacketsSent => Volatile.Read(ref _packetsSent);

    /// <summary>SRTP/SRTCP packets that arrived before DTLS had produced keys (dropped).</summary>
    public long PacketsBeforeKeys => Volatile.Read(ref _packetsBeforeKeys);

    /// <summary>DTLS datagrams received from the selected pair.</summary>
    public long DtlsReceived => Volatile.Read(ref _dtlsReceived);

    /// <summary>DTLS datagrams sent (handshake flights and retransmissions).</summary>
    public long DtlsSent => Volatile.Read(ref _dtlsSent);

    internal void HandleStun(in StunMessageReader request, SocketAddress from)
    {
        Span<ushort> unknown = stackalloc ushort[8];
        var verdict = StunBindingCheck.Check(in request, _localUfrag, Local.IntegrityKey, unknown, out var unknownCount);
        Span<byte> response = stackalloc byte[256];
        var remote = ToEndPoint(from);
        int length;
        switch (verdict)
        {
            case StunBindingVerdict.Accepted when request.TryGetUsername(out var username) && username.EndsWith(_remoteUfragPrefix):
                length = StunResponseWriter.WriteBindingSuccess(response, request.TransactionId, remote.Address, remote.Port, Local.IntegrityKey);
                Interlocked.Exchange(ref _lastConsentTicks, Stopwatch.GetTimestamp());
                // RFC 8445 §7.3.1.5: a nominated check selects the pair; before any nomination the first valid pair is used.
                if (request.HasUseCandidate || _selected is null)
                {
                    Select(from, remote);
                }
                break;
            case StunBindingVerdict.UnknownAttribute:
                length = StunResponseWriter.WriteError(response, StunMethod.Binding, request.TransactionId, StunErrorCode.UnknownAttribute, unknownAttributes: unknown[..unknownCount]);
                break;
            case StunBindingVerdict.RoleConflict:
                length = StunResponseWriter.WriteError(response, StunMethod.Binding, request.TransactionId, StunErrorCode.RoleConflict, Local.IntegrityKey);
                break;
            case StunBindingVerdict.BadRequest:
                length = StunResponseWriter.WriteError(response, StunMethod.Binding, request.TransactionId, StunErrorCode.BadRequest);
                break;
            default:
                length = StunResponseWriter.WriteError(response, StunMethod.Binding, request.TransactionId, StunErrorCode.Unauthenticated);
                break;
        }
        _endpoint.Send(response[..length], from);
    }

    internal void HandleDatagram(DatagramKind kind, Span<byte> datagram)
    {
        switch (kind)
        {
            case DatagramKind.Dtls:
                Interlocked.Increment(ref _dtlsReceived);
                _dtls?.Receive(datagram);
                break;
            case DatagramKind.Rtp when Volatile.Read(ref _inbound) is { } inbound:
                var rtpWireLength = datagram.Length;
                if (inbound.TryUnprotectRtp(datagram, datagram.Length, out var rtpLength))
                {
                    Interlocked.Increment(ref _packetsReceived);
                    Interlocked.Add(ref _bytesReceived, rtpWireLength);
                    RtpReceived?.Invoke(this, datagram[..rtpLength]);
                }
                else
                {
                    Interlocked.Increment(ref _packetsRejected);
                }
                break;
            case DatagramKind.Rtcp when Volatile.Read(ref _inbound) is { } inbound:
                var rtcpWireLength = datagram.Length;
                if (inbound.TryUnprotectRtcp(datagram, datagram.Length, out var rtcpLength))
                {
                    Interlocked.Add(ref _bytesReceived, rtcpWireLength);
                    RtcpReceived?.Invoke(this, datagram[..rtcpLength]);
                }
                else
                {
                    Interlocked.Increment(ref _packetsRejected);
                }
                break;
            case DatagramKind.Rtp or DatagramKind.Rtcp:
                // SRTP can arrive in the moment between the peer finishing DTLS and our keys being installed.
                Interlocked.Increment(ref _packetsBeforeKeys);
                break;
            default:
                Interlocked.Increment(ref _packetsRejected);
                break;
        }
    }

    /// <summary>Protects and sends one RTP packet; false before the keys exist or after close.</summary>
    public bool SendRtp(ReadOnlySpan<byte> packet) => Send(packet, rtcp: false);

    /// <inheritdoc />
    /// <remarks>Thread-safe: serialised with <see cref="SendRtp"/> and <see cref="SendRtcp"/> on one SRTP context.</remarks>
    public bool TryProtectRtp(Span<byte> buffer, int length, out int protectedLength, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SocketAddress? destination)
    {
        protectedLength = 0;
        destination = Volatile.Read(ref _selected);
        var outbound = Volatile.Read(ref _outbound);
        if (outbound is null || destination is null)
        {
            return false;
        }
        lock (_sendGate)
        {
            if (Volatile.Read(ref _closed) == 1 || !outbound.TryProtectRtp(buffer, length, out protectedLength))
            {
                return false;
            }
            Interlocked.Increment(ref _packetsSent);
            Interlocked.Add(ref _bytesSent, protectedLength);
            return true;
        }
    }

    /// <summary>Protects and sends one RTCP compound packet.</summary>
    public bool SendRtcp(ReadOnlySpan<byte> packet) => Send(packet, rtcp: true);

    internal void CheckConsent()
    {
        // RFC 7675 §5.1: without a valid check for the timeout, consent has expired and sending must stop.
        if (Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastConsentTicks)) > _consentTimeout)
        {
            Close("ICE consent expired");
        }
    }

    /// <summary>Closes the transport (reason <c>closed</c>): unregisters it, stops DTLS and drops its keys. Idempotent.</summary>
    public void Dispose() => Close("closed");

    private bool Send(ReadOnlySpan<byte> packet, bool rtcp)
    {
        var outbound = Volatile.Read(ref _outbound);
        var to = Volatile.Read(ref _selected);
        if (outbound is null || to is null || packet.Length > _sendBuffer.Length - 32)
        {
            return false;
        }
        // Media (fan-out thread), retransmissions and feedback (receive thread) and reports (timer) share one
        // SRTP context and buffer; the lock is uncontended almost always.
        lock (_sendGate)
        {
            if (Volatile.Read(ref _closed) == 1)
            {
                return false;
            }
            packet.CopyTo(_sendBuffer);
            var ok = rtcp
                ? outbound.TryProtectRtcp(_sendBuffer, packet.Length, out var length)
                : outbound.TryProtectRtp(_sendBuffer, packet.Length, out length);
            if (ok)
            {
                _endpoint.Send(_sendBuffer.AsSpan(0, length), to);
                Interlocked.Increment(ref _packetsSent);
                Interlocked.Add(ref _bytesSent, length);
            }
            return ok;
        }
    }

    private void Select(SocketAddress from, IPEndPoint remote)
    {
        if (_selected is not null && _selected.Equals(from))
        {
            return;
        }
        var address = new SocketAddress(from.Family, from.Size);
        from.Buffer.Span[..from.Size].CopyTo(address.Buffer.Span);
        _endpoint.Route(_selected, address, this);
        Volatile.Write(ref _selected, address);
        Volatile.Write(ref _selectedEndPoint, remote);
        if (_dtls is null)
        {
            StartDtls(address);
        }
    }

    private void StartDtls(SocketAddress first)
    {
        // Flights always go to the currently selected pair, so a pair switch mid-handshake keeps working.
        _dtls = _handshaker.AcceptServer(first.Buffer[..first.Size].ToArray(), _remoteFingerprint, datagram =>
        {
            if (Volatile.Read(ref _selected) is { } to)
            {
                Interlocked.Increment(ref _dtlsSent);
                _endpoint.Send(datagram.Span, to);
            }
        }, requireCookie: false);
        _dtls.Completion.ContinueWith(done =>
        {
            if (done.IsCompletedSuccessfully)
            {
                var keys = done.Result;
                Volatile.Write(ref _inbound, SrtpContext.Create(keys.Profile, keys.RemoteKey, keys.RemoteSalt));
                Volatile.Write(ref _outbound, SrtpContext.Create(keys.Profile, keys.LocalKey, keys.LocalSalt));
                _connected.TrySetResult(keys);
            }
            else
            {
                _connected.TrySetException(done.Exception?.GetBaseException() ?? new InvalidOperationException("DTLS failed"));
                Close("DTLS failed");
            }
        }, TaskScheduler.Default);
    }

    // sockaddr_in / sockaddr_in6: family (2), port (2, network order), then the IPv4 address, or flowinfo (4) and the IPv6 address.
    private static IPEndPoint ToEndPoint(SocketAddress address)
    {
        var bytes = address.Buffer.Span;
        var port = System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(bytes[2..4]);
        return address.Family == AddressFamily.InterNetworkV6
            ? new IPEndPoint(new IPAddress(bytes[8..24]), port)
            : new IPEndPoint(new IPAddress(bytes[4..8]), port);
    }

    private void Close(string reason)
    {
        if (Interlocked.Exchange(ref _closed, 1) == 1)
        {
            return;
        }
        _endpoint.Unregister(this);
        _dtls?.Dispose();
        _connected.TrySetException(new InvalidOperationException($"Transport closed: {reason}"));
        _inbound?.Dispose();
        lock (_sendGate)
        {
            _outbound?.Dispose();
        }
        Closed?.Invoke(this, reason);
    }
}
