using System.Runtime.InteropServices;
using CommunityStream.WebRtc.Transport;

namespace CommunityStream.MediaLoad;

/// <summary>
/// Reads many peers' sockets from one thread with non-blocking <c>recvmmsg(2)</c>, sweeping them every
/// <see cref="Interval"/>, so count-only viewers cost the generator a system call per few packets rather than an
/// epoll wake-up per packet. It matters to the server too: on loopback the sender's core runs the receiver's kernel
/// path, and waking a sleeping receiver for every datagram (with an inter-processor interrupt) cost the Host about a
/// fifth of its CPU. A socket nobody sleeps on is what a NIC gives the server on a real network. Sockets read here
/// must never see an async operation (that registers them with epoll). Linux x64/arm64 only; see <see cref="IsSupported"/>.
/// With <c>gro</c>, each socket takes the server's UDP GSO messages whole (<c>UDP_GRO</c>) and the poller cuts them
/// into datagrams itself: on loopback the receive side's segmentation otherwise runs on the server's core, a cost a
/// real network puts on the viewers' machines, not the server.
/// </summary>
internal sealed unsafe partial class ReceivePoller : IDisposable
{
    private const int Batch = 32;
    private const int EAGAIN = 11;
    // CMSG_SPACE(sizeof(int)) on LP64: the UDP_GRO segment size.
    private const int ControlSpace = 24;
    private const int EINTR = 4;

    private readonly Lock _sweep = new();
    private readonly Thread _thread;
    private readonly byte* _buffers;
    private readonly LinuxSendMmsg.IoVec* _iovecs;
    private readonly LinuxSendMmsg.MMsgHdr* _headers;
    private readonly byte* _controls;
    private readonly int _slotSize;
    private ClientPeer[] _peers = [];
    private volatile bool _stopping;
    private bool _disposed;

    public ReceivePoller(TimeSpan interval, bool gro = false)
    {
        Interval = interval;
        Gro = gro;
        // A coalesced message is at most an IP packet's payload.
        _slotSize = gro ? 65_536 : 2048;
        _buffers = (byte*)NativeMemory.AlignedAlloc((nuint)(Batch * _slotSize), 64);
        _iovecs = (LinuxSendMmsg.IoVec*)NativeMemory.AllocZeroed(Batch, (nuint)sizeof(LinuxSendMmsg.IoVec));
        _headers = (LinuxSendMmsg.MMsgHdr*)NativeMemory.AllocZeroed(Batch, (nuint)sizeof(LinuxSendMmsg.MMsgHdr));
        _controls = (byte*)NativeMemory.AllocZeroed(Batch * ControlSpace);
        for (var i = 0; i < Batch; i++)
        {
            _iovecs[i].Base = _buffers + (i * _slotSize);
            _iovecs[i].Length = (nuint)_slotSize;
            _headers[i].Header.Iov = &_iovecs[i];
            _headers[i].Header.IovLength = 1;
        }
        _thread = new Thread(Run) { IsBackground = true, Name = "mediaload-poller" };
        _thread.Start();
    }

    public static bool IsSupported => LinuxSendMmsg.IsSupported;

    public TimeSpan Interval { get; }

    public bool Gro { get; }

    /// <summary>Datagrams that arrived inside a coalesced (GRO) message.</summary>
    public long Coalesced;

    /// <summary>Sweeps over all sockets so far.</summary>
    public long Sweeps;

    /// <summary><c>recvmmsg</c> calls made, and datagrams they returned.</summary>
    public long Calls;

    public long Datagrams;

    public void Add(ClientPeer peer)
    {
        if (Gro)
        {
            peer.EnableGro();
        }
        lock (_sweep)
        {
            _peers = [.. _peers, peer];
        }
    }

    /// <summary>Stops reading <paramref name="peer"/>; returns after any sweep in progress, so its socket may then be closed.</summary>
    public void Remove(ClientPeer peer)
    {
        lock (_sweep)
        {
            _peers = Array.FindAll(_peers, p => !ReferenceEquals(p, peer));
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _stopping = true;
        // The loop sleeps at most one interval between sweeps.
        _thread.Join(Interval + TimeSpan.FromSeconds(5));
        lock (_sweep)
        {
            NativeMemory.AlignedFree(_buffers);
            NativeMemory.Free(_iovecs);
            NativeMemory.Free(_headers);
            NativeMemory.Free(_controls);
        }
    }

    /// <summary>The UDP_GRO segment size the kernel attached to message <paramref name="i"/>, or 0.</summary>
    private int SegmentSize(int i)
    {
        ref var header = ref _headers[i].Header;
        if (header.ControlLength < (nuint)(sizeof(LinuxSendMmsg.CMsgHdr) + sizeof(int)))
        {
            return 0;
        }
        var control = (LinuxSendMmsg.CMsgHdr*)header.Control;
        return control->Level == LinuxSendMmsg.SolUdp && control->Type == LinuxSendMmsg.UdpGro ? *(int*)(control + 1) : 0;
    }

    [LibraryImport("libc", EntryPoint = "recvmmsg", SetLastError = true)]
    private static partial int RecvMmsg(nint socket, LinuxSendMmsg.MMsgHdr* messages, uint count, int flags, void* timeout);

    private void Run()
    {
        while (!_stopping)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            lock (_sweep)
            {
                foreach (var peer in _peers)
                {
                    Drain(peer);
                }
            }
            Sweeps++;
            var left = Interval - System.Diagnostics.Stopwatch.GetElapsedTime(started);
            if (left > TimeSpan.Zero)
            {
                Thread.Sleep(left);
            }
        }
    }

    private void Drain(ClientPeer peer)
    {
        var socket = peer.SocketHandle;
        while (true)
        {
            if (Gro)
            {
                // The kernel writes back how much control data it returned; give every slot its full room again.
                for (var i = 0; i < Batch; i++)
                {
                    _headers[i].Header.Control = _controls + (i * ControlSpace);
                    _headers[i].Header.ControlLength = ControlSpace;
                }
            }
            var received = RecvMmsg(socket, _headers, Batch, LinuxSendMmsg.MsgDontWait, null);
            Calls++;
            if (received < 0)
            {
                var error = Marshal.GetLastPInvokeError();
                if (error is not (EAGAIN or EINTR))
                {
                    // ICMP errors on a connected socket (the server went away) surface here, as on the async path.
                    peer.CountSocketError();
                }
                return;
            }
            Datagrams += received;
            for (var i = 0; i < received; i++)
            {
                var message = new Span<byte>(_buffers + (i * _slotSize), (int)_headers[i].Length);
                var segment = Gro ? SegmentSize(i) : 0;
                if (segment <= 0 || segment >= message.Length)
                {
                    peer.Dispatch(message);
                    continue;
                }
                for (var offset = 0; offset < message.Length; offset += segment)
                {
                    peer.Dispatch(message.Slice(offset, Math.Min(segment, message.Length - offset)));
                    Coalesced++;
                }
                Coalesced--;
            }
            if (received < Batch)
            {
                return;
            }
        }
    }
}
