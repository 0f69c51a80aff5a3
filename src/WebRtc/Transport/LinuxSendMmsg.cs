using System.Runtime.InteropServices;

namespace CommunityStream.WebRtc.Transport;

/// <summary>
/// <c>sendmmsg(2)</c> and the LP64 Linux structs it takes (x64 and arm64 share the layout): one system call sends
/// many datagrams, each with its own destination. The structs are blittable; pointers are native memory that
/// <see cref="UdpBatchSender"/> owns, so nothing needs pinning.
/// </summary>
internal static unsafe partial class LinuxSendMmsg
{
    /// <summary>Space for any sockaddr (sizeof(struct sockaddr_storage)).</summary>
    public const int SockAddrCapacity = 128;

    public const int EINTR = 4;
    public const int EIO = 5;
    public const int EINVAL = 22;
    public const int EOPNOTSUPP = 95;
    public const int EAGAIN = 11;
    public const int ENOBUFS = 105;

    // MSG_DONTWAIT: a full socket buffer must fail the call (counted as drops), never block the fan-out thread.
    public const int MsgDontWait = 0x40;

    /// <summary>True where the call and these layouts apply.</summary>
    public static bool IsSupported => OperatingSystem.IsLinux() && Environment.Is64BitProcess;

    // UDP generic segmentation offload (Linux 4.18+): a cmsg on a message whose payload is several datagrams of
    // one size (the last may be shorter) for one destination; the kernel walks the stack once and cuts late.
    // UDP_GRO (Linux 5.0+) is the receive side: a socket takes such messages whole, the size in a cmsg.
    public const int SolUdp = 17;
    public const int UdpSegment = 103;
    public const int UdpGro = 104;

    /// <summary><c>CMSG_SPACE(sizeof(uint16_t))</c> and <c>CMSG_LEN(sizeof(uint16_t))</c> on LP64.</summary>
    public const int SegmentControlSpace = 24;
    public const int SegmentControlLength = 18;

    [LibraryImport("libc", EntryPoint = "sendmmsg", SetLastError = true)]
    public static partial int SendMmsg(nint socket, MMsgHdr* messages, uint count, int flags);

    /// <summary><c>struct iovec</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    /// <summary><c>struct msghdr</c>: 56 bytes on LP64 (the compiler pads after <c>msg_namelen</c> and <c>msg_flags</c> as C does).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct MsgHdr
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    /// <summary><c>struct cmsghdr</c>; the data follows it.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct CMsgHdr
    {
        public nuint Length;
        public int Level;
        public int Type;
    }

    /// <summary><c>struct mmsghdr</c>: the header plus the bytes the kernel reports sent.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct MMsgHdr
    {
        public MsgHdr Header;
        public uint Length;
    }
}
