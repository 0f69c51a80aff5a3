using Org.BouncyCastle.Tls;


namespace CommunityStream.Media.WebRtc.Dtls;

/// <summary>
/// One peer's DTLS association. The UDP receive loop hands it every DTLS datagram from the selected ICE pair
/// (<see cref="Receive"/>); <see cref="Completion"/> yields the SRTP keys when the handshake succeeds, or fails
/// with the reason (timeout, bad fingerprint, no common profile, peer alert).
/// </summary>
internal sealed class DtlsSession : IDisposable
{
    private readonly QueuedDatagramTransport _transport;
    private readonly TaskCompletionSource<SrtpKeyingMaterial> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Func<ReadOnlyMemory<byte>, bool>? _admit;
    private int _admitted;
    private DtlsTransport? _established;

    internal DtlsSession(QueuedDatagramTransport transport, Func<ReadOnlyMemory<byte>, bool>? admit)
    {
        _transport = transport;
        _admit = admit;
        _admitted = admit is null ? 1 : 0;
    }

    /// <summary>The SRTP keys, once the handshake has completed.</summary>
    public Task<SrtpKeyingMaterial> Completion => _completion.Task;

    /// <summary>Datagrams dropped because the handshake queue was full.</summary>
    public long Dropped => _transport.Dropped;

    /// <summary>Feeds one DTLS datagram from the peer; never blocks.</summary>
    public void Receive(ReadOnlySpan<byte> datagram)
    {
        if (Volatile.Read(ref _admitted) == 0)
        {
            // Before the cookie exchange succeeds nothing is queued: a spoofed source costs us one small reply.
            if (_admit!(datagram.ToArray()))
            {
                Volatile.Write(ref _admitted, 1);
            }
            return;
        }
        _transport.Enqueue(datagram);
        if (_established is { } established)
        {
            // After the handshake BouncyCastle still answers a retransmitted final flight; drain without waiting.
            ThreadPool.UnsafeQueueUserWorkItem(static state => Drain(state), established, preferLocal: false);
        }
    }

    internal void Complete(SrtpKeyingMaterial keys, DtlsTransport established)
    {
        _established = established;
        _completion.TrySetResult(keys);
    }

    internal void Fail(Exception error) => _completion.TrySetException(error);

    public void Dispose()
    {
        _completion.TrySetException(new ObjectDisposedException(nameof(DtlsSession)));
        try
        {
            _established?.Close();
        }
        catch (TlsException)
        {
            // The peer is gone; nothing to tell it.
        }
        _transport.Dispose();
    }

    private static void Drain(DtlsTransport transport)
    {
        var buffer = new byte[transport.GetReceiveLimit()];
        try
        {
            while (transport.Receive(buffer, 0, buffer.Length, 0) >= 0)
            {
                // WebRTC sends no DTLS application data we need; records are consumed for their side effects.
            }
        }
        catch (Exception ex) when (ex is TlsException or IOException or ObjectDisposedException)
        {
            // A hostile or late record after the handshake must not escape a thread-pool callback.
        }
    }
}
