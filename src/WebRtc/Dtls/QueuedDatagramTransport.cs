using System.Diagnostics;
using Org.BouncyCastle.Tls;


namespace CommunityStream.WebRtc.Dtls;

/// <summary>
/// Adapts our shared UDP socket to BouncyCastle's blocking <see cref="DatagramTransport"/>: the socket's receive
/// loop enqueues this peer's DTLS datagrams, the handshake thread takes them; sends go straight to the socket.
/// </summary>
/// <remarks>
/// <see cref="Receive(byte[], int, int, int)"/> keeps BouncyCastle's contract, which its record layer loops on:
/// a <c>waitMillis</c> of 0 means "no time limit" (as for a socket's receive timeout), a positive one returns -1
/// only once that long has passed without a datagram, and a closed transport throws instead of returning -1, so
/// no caller can turn a closed or empty queue into a busy loop.
/// </remarks>
internal sealed class QueuedDatagramTransport(Action<ReadOnlyMemory<byte>> send, int sendLimit) : DatagramTransport, IDisposable
{
    // A handshake needs a handful of datagrams in flight; more than this is a flood and is dropped.
    private const int MaxQueued = 64;
    private const int ReceiveLimit = 1500;

    private readonly Queue<byte[]> _incoming = new();
    private bool _closed;
    private long _queued;
    private long _dropped;
    private long _timedOut;

    /// <summary>Datagrams accepted into the queue.</summary>
    public long Queued => Interlocked.Read(ref _queued);

    /// <summary>Datagrams dropped because the queue was full or the transport closed.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Receives that waited their full time without a datagram (BouncyCastle retransmits after these).</summary>
    public long TimedOut => Interlocked.Read(ref _timedOut);

    /// <summary>Datagrams waiting to be taken.</summary>
    public int Pending
    {
        get
        {
            lock (_incoming)
            {
                return _incoming.Count;
            }
        }
    }

    /// <summary>Hands a received DTLS datagram to the handshake; never blocks the socket's receive loop.</summary>
    public void Enqueue(ReadOnlySpan<byte> datagram)
    {
        lock (_incoming)
        {
            if (_closed || _incoming.Count >= MaxQueued)
            {
                Interlocked.Increment(ref _dropped);
                return;
            }
            _incoming.Enqueue(datagram.ToArray());
            Interlocked.Increment(ref _queued);
            Monitor.Pulse(_incoming);
        }
    }

    public int GetReceiveLimit() => ReceiveLimit;

    public int GetSendLimit() => sendLimit;

    /// <exception cref="IOException">The transport is closed.</exception>
    public int Receive(byte[] buf, int off, int len, int waitMillis)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(waitMillis);
        var started = Stopwatch.GetTimestamp();
        byte[] datagram;
        lock (_incoming)
        {
            while (_incoming.Count == 0)
            {
                if (_closed)
                {
                    throw new IOException("The DTLS transport is closed.");
                }
                var wait = Timeout.Infinite;
                if (waitMillis > 0)
                {
                    var remaining = waitMillis - (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    if (remaining <= 0)
                    {
                        Interlocked.Increment(ref _timedOut);
                        return -1;
                    }
                    wait = (int)remaining;
                }
                // Monitor.Wait needs no thread-pool thread or timer, so a starved pool cannot stretch it.
                Monitor.Wait(_incoming, wait);
            }
            datagram = _incoming.Dequeue();
        }
        var length = Math.Min(len, datagram.Length);
        datagram.AsSpan(0, length).CopyTo(buf.AsSpan(off, len));
        return length;
    }

    /// <exception cref="IOException">The transport is closed.</exception>
    public int Receive(Span<byte> buffer, int waitMillis)
    {
        var array = new byte[buffer.Length];
        var length = Receive(array, 0, array.Length, waitMillis);
        if (length > 0)
        {
            array.AsSpan(0, length).CopyTo(buffer);
        }
        return length;
    }

    public void Send(byte[] buf, int off, int len) => send(buf.AsMemory(off, len).ToArray());

    public void Send(ReadOnlySpan<byte> buffer) => send(buffer.ToArray());

    /// <summary>Wakes a waiting receive (which then throws) and drops whatever arrives from now on.</summary>
    public void Close()
    {
        lock (_incoming)
        {
            _closed = true;
            _incoming.Clear();
            Monitor.PulseAll(_incoming);
        }
    }

    public void Dispose() => Close();
}
