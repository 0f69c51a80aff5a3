using CommunityStream.WebRtc.Srtp;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace CommunityStream.WebRtc.Dtls;

/// <summary>
/// Runs DTLS handshakes for every peer of the process. BouncyCastle's DTLS API blocks its thread while it waits
/// for datagrams, so each running handshake owns a dedicated thread; at most <c>maxConcurrent</c> run at once
/// and the rest wait (their peers retransmit), so 1,000 viewers joining together never starve the thread pool.
/// </summary>
public sealed class DtlsHandshaker : IDisposable
{
    private readonly DtlsCertificate _certificate;
    private readonly SemaphoreSlim _slots;
    private readonly TimeSpan _timeout;
    private readonly int _sendLimit;
    private readonly BcTlsCrypto _crypto = new(new SecureRandom());
    private readonly DtlsCookieVerifier _verifier;
    private readonly IReadOnlyList<SrtpProfile> _serverProfiles;
    private int _running;
    private long _completed;
    private long _failed;
    private int _peak;

    /// <param name="certificate">Our certificate (its fingerprint goes in SDP).</param>
    /// <param name="maxConcurrent">Handshakes running at once.</param>
    /// <param name="timeout">Give up on a handshake after this long.</param>
    /// <param name="sendLimit">Largest datagram to send; ~1,200 bytes stays under every path MTU we meet.</param>
    /// <param name="serverProfiles">SRTP profiles the server accepts, most preferred first (default: GCM, then AES-CM).</param>
    public DtlsHandshaker(DtlsCertificate certificate, int maxConcurrent, TimeSpan timeout, int sendLimit = 1200, IReadOnlyList<SrtpProfile>? serverProfiles = null)
    {
        _serverProfiles = serverProfiles ?? DtlsCredentials.DefaultPreference;
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrent, 1);
        _certificate = certificate;
        _slots = new SemaphoreSlim(maxConcurrent, maxConcurrent);
        _timeout = timeout;
        _sendLimit = sendLimit;
        _verifier = new DtlsCookieVerifier(_crypto);
    }

    /// <summary>The certificate this handshaker presents.</summary>
    public DtlsCertificate Certificate => _certificate;

    /// <summary>Handshakes running right now.</summary>
    public int Running => Volatile.Read(ref _running);

    /// <summary>Handshakes that produced SRTP keys, since the handshaker was made.</summary>
    public long Completed => Interlocked.Read(ref _completed);

    /// <summary>Handshakes that failed (refused, timed out, or the session closed first), since the handshaker was made.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>The most handshakes that ever ran at once.</summary>
    public int PeakRunning => Volatile.Read(ref _peak);

    /// <summary>
    /// Accepts a handshake from a browser. The first ClientHello must carry a cookie from a HelloVerifyRequest
    /// (RFC 6347 §4.2.1) bound to <paramref name="clientId"/> (the peer's transport address).
    /// </summary>
    internal DtlsSession AcceptServer(byte[] clientId, DtlsFingerprint expectedPeer, Action<ReadOnlyMemory<byte>> send, bool requireCookie = true)
    {
        if (!requireCookie)
        {
            // The peer's address is already proven by an authenticated ICE check (RFC 8445 §7.3), which is the
            // return-routability a cookie adds. Chromium's ClientHello is also not accepted by BouncyCastle's
            // DtlsVerifier (no HelloVerifyRequest is produced for it), so the WebRTC path runs without cookies.
            var direct = new QueuedDatagramTransport(send, _sendLimit);
            var directSession = new DtlsSession(direct, admit: null);
            var directServer = new DtlsSrtpServer(_crypto, _certificate, expectedPeer, TimeoutMillis, _serverProfiles);
            Run(directSession, () =>
            {
                var established = new DtlsServerProtocol().Accept(directServer, direct);
                return (directServer.Keys!, established);
            });
            return directSession;
        }
        var transport = new QueuedDatagramTransport(send, _sendLimit);
        DtlsSession? session = null;
        var sender = new SendOnlyDatagram(send, _sendLimit);
        session = new DtlsSession(transport, datagram =>
        {
            var request = _verifier.Verify(clientId, datagram.Span, sender);
            if (request is null)
            {
                return false;
            }
            var server = new DtlsSrtpServer(_crypto, _certificate, expectedPeer, TimeoutMillis, _serverProfiles);
            Run(session!, () =>
            {
                var established = new DtlsServerProtocol().Accept(server, transport, request);
                return (server.Keys!, established);
            });
            return true;
        });
        return session;
    }

    /// <summary>
    /// Starts a client handshake (SDP <c>a=setup:active</c>; tests and load generators): sends the ClientHello at once.
    /// </summary>
    /// <param name="expectedPeer">The server's fingerprint from its SDP; any other certificate fails the handshake.</param>
    /// <param name="profiles">SRTP profiles to offer in <c>use_srtp</c>, most preferred first.</param>
    /// <param name="send">Sends one datagram to the server; called on the handshake thread.</param>
    public DtlsSession Connect(DtlsFingerprint expectedPeer, IReadOnlyList<SrtpProfile> profiles, Action<ReadOnlyMemory<byte>> send) =>
        Connect(expectedPeer, profiles, send, offerExtendedMasterSecret: true);

    /// <summary>As the public overload; tests turn the extended master secret off to see the server refuse.</summary>
    internal DtlsSession Connect(DtlsFingerprint expectedPeer, IReadOnlyList<SrtpProfile> profiles, Action<ReadOnlyMemory<byte>> send, bool offerExtendedMasterSecret)
    {
        var transport = new QueuedDatagramTransport(send, _sendLimit);
        var session = new DtlsSession(transport, admit: null);
        var client = new DtlsSrtpClient(_crypto, _certificate, expectedPeer, profiles, TimeoutMillis, offerExtendedMasterSecret);
        Run(session, () =>
        {
            var established = new DtlsClientProtocol().Connect(client, transport);
            return (client.Keys!, established);
        });
        return session;
    }

    private int TimeoutMillis => (int)_timeout.TotalMilliseconds;

    private void Run(DtlsSession session, Func<(SrtpKeyingMaterial Keys, DtlsTransport Established)> handshake) =>
        _ = RunAsync(session, handshake);

    private async Task RunAsync(DtlsSession session, Func<(SrtpKeyingMaterial Keys, DtlsTransport Established)> handshake)
    {
        await _slots.WaitAsync().ConfigureAwait(false);
        var running = Interlocked.Increment(ref _running);
        InterlockedMax(ref _peak, running);
        // A dedicated thread: the handshake blocks in DatagramTransport.Receive between flights, and it reports
        // its own outcome, so neither the handshake nor its result waits for a thread-pool thread.
        new Thread(() => RunHandshake(session, handshake)) { IsBackground = true, Name = "dtls-handshake" }.Start();
    }

    private void RunHandshake(DtlsSession session, Func<(SrtpKeyingMaterial Keys, DtlsTransport Established)> handshake)
    {
        try
        {
            var (keys, established) = handshake();
            session.Complete(keys, established);
            Interlocked.Increment(ref _completed);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // TlsException, IOException (the session closed), or a bug: fail this session, never the process.
            session.Fail(ex);
            Interlocked.Increment(ref _failed);
        }
        finally
        {
            Interlocked.Decrement(ref _running);
            try
            {
                _slots.Release();
            }
            catch (ObjectDisposedException)
            {
                // The handshaker was disposed while this handshake ran.
            }
        }
    }

    /// <summary>Releases the concurrency gate; running handshakes finish or time out on their own.</summary>
    public void Dispose() => _slots.Dispose();

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }
            current = seen;
        }
    }

    private sealed class SendOnlyDatagram(Action<ReadOnlyMemory<byte>> send, int limit) : DatagramSender
    {
        public int GetSendLimit() => limit;

        public void Send(byte[] buf, int off, int len) => send(buf.AsMemory(off, len).ToArray());

        public void Send(ReadOnlySpan<byte> buffer) => send(buffer.ToArray());
    }
}
