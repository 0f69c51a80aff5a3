using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CommunityStream.Media.WebRtc.Transport;

/// <summary>
/// Queues datagrams, each with its own destination, and sends them together: one <c>sendmmsg(2)</c> call per flush on
/// Linux, a <see cref="Socket.SendTo(ReadOnlySpan{byte}, SocketFlags, SocketAddress)"/> loop elsewhere. Fan-out to
/// many viewers pays one system call per batch instead of one per packet. Sending never throws into the caller:
/// datagrams the kernel refuses (full socket buffer, bad destination) are counted in <see cref="Dropped"/>.
/// Not thread-safe: one sender per sending thread, over a socket that may be shared.
/// </summary>
internal sealed unsafe class UdpBatchSender : IDisposable
{
    /// <summary>Largest datagram a slot holds; an SRTP packet from a 1,200-byte MTU budget fits with room to spare.</summary>
    public const int MaxDatagram = 2048;

    private readonly Socket _socket;
    private readonly int _capacity;
    private readonly byte* _payloads;
    private readonly byte* _addresses;
    private readonly LinuxSendMmsg.IoVec* _iovecs;
    private readonly LinuxSendMmsg.MMsgHdr* _headers;
    private readonly SocketAddress?[]? _portableAddresses;
    private readonly int[]? _portableLengths;
    private int _count;
    private bool _disposed;

    /// <param name="socket">A bound UDP socket; the sender does not own it.</param>
    /// <param name="capacity">Datagrams per batch; <see cref="Queue"/> flushes by itself when the batch is full.</param>
    /// <param name="forcePortable">Use the <c>SendTo</c> loop even where <c>sendmmsg</c> exists (tests, comparisons).</param>
    public UdpBatchSender(Socket socket, int capacity = 64, bool forcePortable = false)
    {
        ArgumentNullException.ThrowIfNull(socket);
        // UIO_MAXIOV: the kernel sends at most 1,024 messages per call.
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, 1024);
        _socket = socket;
        _capacity = capacity;
        UsesSendMmsg = !forcePortable && LinuxSendMmsg.IsSupported;
        _payloads = (byte*)NativeMemory.AlignedAlloc((nuint)(capacity * MaxDatagram), 64);
        if (UsesSendMmsg)
        {
            _addresses = (byte*)NativeMemory.AllocZeroed((nuint)(capacity * LinuxSendMmsg.SockAddrCapacity));
            _iovecs = (LinuxSendMmsg.IoVec*)NativeMemory.AllocZeroed((nuint)capacity, (nuint)sizeof(LinuxSendMmsg.IoVec));
            _headers = (LinuxSendMmsg.MMsgHdr*)NativeMemory.AllocZeroed((nuint)capacity, (nuint)sizeof(LinuxSendMmsg.MMsgHdr));
            for (var i = 0; i < capacity; i++)
            {
                // Everything but the lengths is fixed per slot, so queuing only writes lengths and copies bytes.
                _iovecs[i].Base = _payloads + (i * MaxDatagram);
                _headers[i].Header.Iov = &_iovecs[i];
                _headers[i].Header.IovLength = 1;
                _headers[i].Header.Name = _addresses + (i * LinuxSendMmsg.SockAddrCapacity);
            }
        }
        else
        {
            _portableAddresses = new SocketAddress?[capacity];
            _portableLengths = new int[capacity];
        }
    }

    /// <summary>True when flushes use <c>sendmmsg</c>; false on the portable <c>SendTo</c> loop.</summary>
    public bool UsesSendMmsg { get; }

    /// <summary>Datagrams waiting for <see cref="Flush"/>.</summary>
    public int Queued => _count;

    /// <summary>Datagrams the kernel accepted.</summary>
    public long Sent { get; private set; }

    /// <summary>Datagrams not sent: refused by the kernel, too large, or queued after disposal.</summary>
    public long Dropped { get; private set; }

    /// <summary>Send calls made (<c>sendmmsg</c> calls, or <c>SendTo</c> calls on the portable path).</summary>
    public long SystemCalls { get; private set; }

    /// <summary>
    /// The next free slot, to write a datagram in place (e.g. SRTP-protect straight into it); finish with
    /// <see cref="Commit"/>. Valid until the next call on this sender.
    /// </summary>
    public Span<byte> NextBuffer
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_count == _capacity)
            {
                Flush();
            }
            return new Span<byte>(_payloads + (_count * MaxDatagram), MaxDatagram);
        }
    }

    /// <summary>Queues the first <paramref name="length"/> bytes of <see cref="NextBuffer"/> for <paramref name="destination"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Commit(int length, SocketAddress destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (_disposed || length is <= 0 or > MaxDatagram || destination.Size > LinuxSendMmsg.SockAddrCapacity)
        {
            Dropped++;
            return;
        }
        if (_count == _capacity)
        {
            // The caller wrote into a slot that a flush has since sent; nothing sensible to queue.
            Dropped++;
            return;
        }
        var slot = _count;
        if (UsesSendMmsg)
        {
            // SocketAddress.Buffer holds the native sockaddr bytes (family in host order, then port and address).
            destination.Buffer.Span[..destination.Size].CopyTo(new Span<byte>(_headers[slot].Header.Name, LinuxSendMmsg.SockAddrCapacity));
            _headers[slot].Header.NameLength = (uint)destination.Size;
            _iovecs[slot].Length = (nuint)length;
        }
        else
        {
            var copy = _portableAddresses![slot];
            if (copy is null || copy.Family != destination.Family || copy.Buffer.Length < destination.Size)
            {
                copy = _portableAddresses[slot] = new SocketAddress(destination.Family, destination.Size);
            }
            copy.Size = destination.Size;
            destination.Buffer.Span[..destination.Size].CopyTo(copy.Buffer.Span);
            _portableLengths![slot] = length;
        }
        _count++;
    }

    /// <summary>Copies <paramref name="datagram"/> into the batch for <paramref name="destination"/>; flushes first when full.</summary>
    public void Queue(ReadOnlySpan<byte> datagram, SocketAddress destination)
    {
        if (_disposed || datagram.Length is 0 or > MaxDatagram)
        {
            Dropped++;
            return;
        }
        datagram.CopyTo(NextBuffer);
        Commit(datagram.Length, destination);
    }

    /// <summary>Forgets what is queued without sending it (benchmarks of the user-space path).</summary>
    internal void DiscardQueued() => _count = 0;

    /// <summary>Sends everything queued; returns how many datagrams the kernel accepted. Never throws.</summary>
    public int Flush()
    {
        var count = _count;
        _count = 0;
        if (count == 0 || _disposed)
        {
            Dropped += count;
            return 0;
        }
        return UsesSendMmsg ? FlushSendMmsg(count) : FlushPortable(count);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int FlushSendMmsg(int count)
    {
        var handle = _socket.SafeHandle;
        var added = false;
        var sent = 0;
        try
        {
            handle.DangerousAddRef(ref added);
            var fd = handle.DangerousGetHandle();
            var start = 0;
            // Each pass either sends something or drops at least one datagram, so this ends within `count` passes
            // (plus a few retries after signals).
            var interrupts = 0;
            while (start < count)
            {
                SystemCalls++;
                var result = LinuxSendMmsg.SendMmsg(fd, _headers + start, (uint)(count - start), LinuxSendMmsg.MsgDontWait);
                if (result > 0)
                {
                    // A partial send: the kernel stopped at the first datagram it could not take; go on from there.
                    sent += result;
                    start += result;
                    continue;
                }
                var errno = result < 0 ? Marshal.GetLastPInvokeError() : 0;
                if (errno == LinuxSendMmsg.EINTR && ++interrupts <= 3)
                {
                    continue;
                }
                if (errno is LinuxSendMmsg.EAGAIN or LinuxSendMmsg.ENOBUFS)
                {
                    // The socket buffer is full: the rest would fail the same way right now. Media is better late
                    // than never only within a frame; dropping keeps the fan-out thread from spinning.
                    Dropped += count - start;
                    break;
                }
                // This one datagram was refused (bad destination, queued ICMP error): drop it and send the rest.
                Dropped++;
                start++;
            }
        }
        catch (ObjectDisposedException)
        {
            Dropped += count - sent;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
        Sent += sent;
        return sent;
    }

    private int FlushPortable(int count)
    {
        var sent = 0;
        for (var i = 0; i < count; i++)
        {
            SystemCalls++;
            try
            {
                _socket.SendTo(new ReadOnlySpan<byte>(_payloads + (i * MaxDatagram), _portableLengths![i]), SocketFlags.None, _portableAddresses![i]!);
                sent++;
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or ArgumentException)
            {
                // ArgumentException: a destination of another address family than the socket's.
                Dropped++;
            }
        }
        Sent += sent;
        return sent;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        Dropped += _count;
        _count = 0;
        FreeNativeMemory();
        GC.SuppressFinalize(this);
    }

    ~UdpBatchSender() => FreeNativeMemory();

    private void FreeNativeMemory()
    {
        NativeMemory.AlignedFree(_payloads);
        NativeMemory.Free(_addresses);
        NativeMemory.Free(_iovecs);
        NativeMemory.Free(_headers);
    }
}
