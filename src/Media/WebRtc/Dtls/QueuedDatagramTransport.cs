using System.Collections.Concurrent;
using Org.BouncyCastle.Tls;


namespace CommunityStream.Media.WebRtc.Dtls;

/// <summary>
/// Adapts our shared UDP socket to BouncyCastle's blocking <see cref="DatagramTransport"/>: the socket's receive
/// loop enqueues this peer's DTLS datagrams, the handshake thread takes them; sends go straight to the socket.
/// </summary>
internal sealed class QueuedDatagramTransport(Action<ReadOnlyMemory<byte>> send, int sendLimit) : DatagramTransport, IDisposable
{
    // A handshake needs a handful of datagrams in flight; more than this is a flood and is dropped.
    private const int MaxQueued = 64;
    private const int ReceiveLimit = 1500;

    private readonly BlockingCollection<byte[]> _incoming = new(new ConcurrentQueue<byte[]>(), MaxQueued);

    /// <summary>Datagrams dropped because the queue was full or the transport closed.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    private long _dropped;

    /// <summary>Hands a received DTLS datagram to the handshake; never blocks the socket's receive loop.</summary>
    public void Enqueue(ReadOnlySpan<byte> datagram)
    {
        if (_incoming.IsAddingCompleted || !_incoming.TryAdd(datagram.ToArray()))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    public int GetReceiveLimit() => ReceiveLimit;

    public int GetSendLimit() => sendLimit;

    public int Receive(byte[] buf, int off, int len, int waitMillis)
    {
        try
        {
            if (!_incoming.TryTake(out var datagram, waitMillis))
            {
                return -1;
            }
            var length = Math.Min(len, datagram.Length);
            datagram.AsSpan(0, length).CopyTo(buf.AsSpan(off, len));
            return length;
        }
        catch (ObjectDisposedException)
        {
            return -1;
        }
        catch (InvalidOperationException)
        {
            // Completed for adding and empty: closed.
            return -1;
        }
    }

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

    public void Close() => _incoming.CompleteAdding();

    public void Dispose()
    {
        Close();
        _incoming.Dispose();
    }
}
