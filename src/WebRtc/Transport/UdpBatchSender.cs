using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CommunityStream.WebRtc.Transport;

/// <summary>
/// Queues datagrams, each with its own destination, and sends them together: one <c>sendmmsg(2)</c> call per flush on
/// Linux, a <see cref="Socket.SendTo(ReadOnlySpan{byte}, SocketFlags, SocketAddress)"/> loop elsewhere. Fan-out to
/// many viewers pays one system call per batch instead of one per packet. With segmentation on (Linux), consecutive
/// datagrams for one destination, all of one size but the last, ride as one UDP GSO message: the kernel runs its
/// per-packet path (route, netfilter, loopback or driver) once per message and cuts the datagrams late, which is most
/// of a copy's cost. Where the kernel or device refuses GSO, the sender sends that message's datagrams one by one
/// and stops coalescing. Sending never throws into the caller: datagrams the kernel refuses (full socket buffer,
/// bad destination) are counted in <see cref="Dropped"/>. Not thread-safe: one sender per sending thread, over a
/// socket that may be shared.
/// </summary>
public sealed unsafe class UdpBatchSender : IDisposable
{
    /// <summary>Largest datagram a slot holds; an SRTP packet from a 1,200-byte MTU budget fits with room to spare.</summary>
    public const int MaxDatagram = 2048;

    /// <summary>Datagrams one GSO message carries at most (the kernel's UDP_MAX_SEGMENTS is 64), and its payload at most (an IP packet's).</summary>
    public const int MaxSegments = 32;

    private const int MaxSegmentedBytes = 60_000;

    private readonly Socket _socket;
    private readonly int _capacity;
    private readonly byte* _payloads;
    private readonly byte* _addresses;
    private readonly LinuxSendMmsg.IoVec* _iovecs;
    private readonly LinuxSendMmsg.MMsgHdr* _headers;
    private readonly byte* _controls;
    private readonly SocketAddress?[]? _portableAddresses;
    private readonly int[]? _portableLengths;
    private int _count;
    private int _messages;
    private bool _disposed;

    // The open message's segment size, last datagram's length and payload bytes: a datagram joins it only while
    // every earlier one is exactly one segment long.
    private int _segmentSize;
    private int _lastLength;
    private int _messageBytes;

    /// <param name="socket">A bound UDP socket; the sender does not own it.</param>
    /// <param name="capacity">Datagrams per batch; <see cref="Queue"/> flushes by itself when the batch is full.</param>
    /// <param name="forcePortable">Use the <c>SendTo</c> loop even where <c>sendmmsg</c> exists (tests, comparisons).</param>
    /// <param name="segmentation">Coalesce runs of datagrams for one destination into UDP GSO messages (Linux only).</param>
    public UdpBatchSender(Socket socket, int capacity = 64, bool forcePortable = false, bool segmentation = true)
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
            _controls = (byte*)NativeMemory.AllocZeroed((nuint)(capacity * LinuxSendMmsg.SegmentControlSpace));
            for (var i = 0; i < capacity; i++)
            {
                // Slots are contiguous iovecs, so a message of several datagrams is a run of them; each slot keeps its
                // own address and control block, used when a message starts at it.
                _iovecs[i].Base = _payloads + (i * MaxDatagram);
                var control = (LinuxSendMmsg.CMsgHdr*)(_controls + (i * LinuxSendMmsg.SegmentControlSpace));
                control->Length = LinuxSendMmsg.SegmentControlLength;
                control->Level = LinuxSendMmsg.SolUdp;
                control->Type = LinuxSendMmsg.UdpSegment;
            }
            Segmentation = segmentation;
        }
        else
        {
            _portableAddresses = new SocketAddress?[capacity];
            _portableLengths = new int[capacity];
        }
    }

    /// <summary>True when flushes use <c>sendmmsg</c>; false on the portable <c>SendTo</c> loop.</summary>
    public bool UsesSendMmsg { get; }

    /// <summary>True while runs for one destination are coalesced into GSO messages; turns false if the kernel refuses one.</summary>
    public bool Segmentation { get; private set; }

    /// <summary>Datagrams sent inside another datagram's GSO message (each one a pass through the stack saved).</summary>
    public long Coalesced { get; private set; }

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
            if (!TryExtendMessage(length, destination))
            {
                StartMessage(slot, length, destination);
            }
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

    private void StartMessage(int slot, int length, SocketAddress destination)
    {
        ref var header = ref _headers[_messages].Header;
        var name = _addresses + (slot * LinuxSendMmsg.SockAddrCapacity);
        // SocketAddress.Buffer holds the native sockaddr bytes (family in host order, then port and address).
        destination.Buffer.Span[..destination.Size].CopyTo(new Span<byte>(name, LinuxSendMmsg.SockAddrCapacity));
        header.Name = name;
        header.NameLength = (uint)destination.Size;
        header.Iov = &_iovecs[slot];
        header.IovLength = 1;
        header.Control = null;
        header.ControlLength = 0;
        _messages++;
        _segmentSize = _lastLength = _messageBytes = length;
    }

    /// <summary>Adds the datagram in the next slot to the open message when GSO can carry it there.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TryExtendMessage(int length, SocketAddress destination)
    {
        if (!Segmentation || _messages == 0 || _lastLength != _segmentSize || length > _segmentSize
            || _messageBytes + length > MaxSegmentedBytes)
        {
            return false;
        }
        var message = _messages - 1;
        ref var header = ref _headers[message].Header;
        if (header.IovLength >= MaxSegments || header.NameLength != (uint)destination.Size
            || !destination.Buffer.Span[..destination.Size].SequenceEqual(new ReadOnlySpan<byte>(header.Name, destination.Size)))
        {
            return false;
        }
        if (header.IovLength == 1)
        {
            // The message's first slot owns the control block that tells the kernel the segment size.
            var block = _controls + ((header.Iov - _iovecs) * LinuxSendMmsg.SegmentControlSpace);
            *(ushort*)(block + sizeof(LinuxSendMmsg.CMsgHdr)) = (ushort)_segmentSize;
            header.Control = block;
            header.ControlLength = LinuxSendMmsg.SegmentControlSpace;
        }
        header.IovLength++;
        _lastLength = length;
        _messageBytes += length;
        return true;
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
    public void DiscardQueued() => _count = _messages = 0;

    /// <summary>Sends everything queued; returns how many datagrams the kernel accepted. Never throws.</summary>
    public int Flush()
    {
        var count = _count;
        var messages = _messages;
        _count = _messages = 0;
        if (count == 0 || _disposed)
        {
            Dropped += count;
            return 0;
        }
        return UsesSendMmsg ? FlushSendMmsg(messages) : FlushPortable(count);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int FlushSendMmsg(int messages)
    {
        var handle = _socket.SafeHandle;
        var added = false;
        var sent = 0;
        var start = 0;
        try
        {
            handle.DangerousAddRef(ref added);
            var fd = handle.DangerousGetHandle();
            // Each pass either sends something or settles at least one message, so this ends within `messages`
            // passes (plus a few retries after signals).
            var interrupts = 0;
            while (start < messages)
            {
                SystemCalls++;
                var result = LinuxSendMmsg.SendMmsg(fd, _headers + start, (uint)(messages - start), LinuxSendMmsg.MsgDontWait);
                if (result > 0)
                {
                    // A partial send: the kernel stopped at the first message it could not take; go on from there.
                    var datagrams = DatagramsIn(start, start + result);
                    sent += datagrams;
                    Coalesced += datagrams - result;
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
                    Dropped += DatagramsIn(start, messages);
                    break;
                }
                if (_headers[start].Header.IovLength > 1 && errno is LinuxSendMmsg.EIO or LinuxSendMmsg.EINVAL or LinuxSendMmsg.EOPNOTSUPP)
                {
                    // No GSO here (no checksum offload on the route's device, an old kernel): send this message's
                    // datagrams singly and stop coalescing.
                    Segmentation = false;
                    sent += SendSingly(fd, start);
                    start++;
                    continue;
                }
                // This message was refused (bad destination, queued ICMP error): drop it and send the rest.
                Dropped += DatagramsIn(start, start + 1);
                start++;
            }
        }
        catch (ObjectDisposedException)
        {
            Dropped += DatagramsIn(start, messages);
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

    /// <summary>Datagrams carried by messages [from, to).</summary>
    private int DatagramsIn(int from, int to)
    {
        var datagrams = 0;
        for (var i = from; i < to; i++)
        {
            datagrams += (int)_headers[i].Header.IovLength;
        }
        return datagrams;
    }

    private int SendSingly(nint fd, int message)
    {
        var original = _headers[message].Header;
        var sent = 0;
        for (var i = 0; i < (int)original.IovLength; i++)
        {
            var single = default(LinuxSendMmsg.MMsgHdr);
            single.Header.Name = original.Name;
            single.Header.NameLength = original.NameLength;
            single.Header.Iov = original.Iov + i;
            single.Header.IovLength = 1;
            SystemCalls++;
            if (LinuxSendMmsg.SendMmsg(fd, &single, 1, LinuxSendMmsg.MsgDontWait) == 1)
            {
                sent++;
            }
            else
            {
                Dropped++;
            }
        }
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

    /// <summary>Frees the native buffers; queued datagrams are dropped (counted), later calls drop theirs. The socket stays open.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        Dropped += _count;
        _count = _messages = 0;
        FreeNativeMemory();
        GC.SuppressFinalize(this);
    }

    /// <summary>Frees the native buffers of a sender that was not disposed.</summary>
    ~UdpBatchSender() => FreeNativeMemory();

    private void FreeNativeMemory()
    {
        NativeMemory.AlignedFree(_payloads);
        NativeMemory.Free(_addresses);
        NativeMemory.Free(_iovecs);
        NativeMemory.Free(_headers);
        NativeMemory.Free(_controls);
    }
}
