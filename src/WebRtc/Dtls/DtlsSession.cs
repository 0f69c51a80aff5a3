using Org.BouncyCastle.Tls;


namespace CommunityStream.WebRtc.Dtls;

/// <summary>
/// One peer's DTLS association. The UDP receive loop hands it every DTLS datagram from the selected ICE pair
/// (<see cref="Receive"/>); <see cref="Completion"/> yields the SRTP keys when the handshake succeeds, or fails
/// with the reason (timeout, bad fingerprint, no common profile, peer alert).
/// </summary>
public sealed class DtlsSession : IDisposable
{
    private readonly QueuedDatagramTransport _transport;
    private readonly TaskCompletionSource<SrtpKeyingMaterial> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Func<ReadOnlyMemory<byte>, bool>? _admit;
    private int _admitted;
    private int _draining;
    private long _afterHandshake;
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

    /// <summary>Datagrams that arrived after the handshake (a retransmitted final flight, close_notify).</summary>
    public long ReceivedAfterHandshake => Interlocked.Read(ref _afterHandshake);

    /// <summary>True while a thread-pool callback is processing datagrams that arrived after the handshake.</summary>
    internal bool IsDraining => Volatile.Read(ref _draining) == 1;

    /// <summary>Datagrams queued and not yet taken by BouncyCastle.</summary>
    internal int Pending => _transport.Pending;

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
        if (Volatile.Read(ref _established) is not null)
        {
            Interlocked.Increment(ref _afterHandshake);
            ScheduleDrain();
        }
    }

    internal void Complete(SrtpKeyingMaterial keys, DtlsTransport established)
    {
        Volatile.Write(ref _established, established);
        _completion.TrySetResult(keys);
        // A datagram that came in while the handshake was finishing is not left waiting for the next one.
        ScheduleDrain();
    }

    internal void Fail(Exception error) => _completion.TrySetException(error);

    /// <summary>Fails <see cref="Completion"/> if it has not completed, sends close_notify after a handshake, and wakes a waiting handshake thread (which then fails).</summary>
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

    // After the handshake BouncyCastle still answers a retransmitted final flight (RFC 6347 §4.2.4) and reads
    // close_notify; one thread-pool callback at a time feeds it what is queued and returns when the queue is empty.
    private void ScheduleDrain()
    {
        if (Volatile.Read(ref _established) is null || _transport.Pending == 0 || Interlocked.Exchange(ref _draining, 1) == 1)
        {
            return;
        }
        ThreadPool.UnsafeQueueUserWorkItem(static session => session.Drain(), this, preferLocal: false);
    }

    private void Drain()
    {
        var established = Volatile.Read(ref _established)!;
        try
        {
            var buffer = new byte[established.GetReceiveLimit()];
            while (_transport.Pending > 0)
            {
                // Never 0: to BouncyCastle that means "wait with no time limit". With 1 ms it takes what is queued,
                // answers it, and returns -1 once the queue has stayed empty for 1 ms.
                established.Receive(buffer, 0, buffer.Length, 1);
            }
        }
        catch (Exception ex) when (ex is TlsException or IOException or ObjectDisposedException)
        {
            // A hostile or late record after the handshake, or a closed session; it must not escape a callback.
        }
        finally
        {
            Volatile.Write(ref _draining, 0);
        }
        // A datagram queued between the last look and clearing the flag gets its own callback.
        ScheduleDrain();
    }
}
