using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace CommunityStream.MediaLoad;

/// <summary>
/// When the kernel queued the last datagram read from a socket (<c>SIOCGSTAMPNS</c>), as a <see cref="Stopwatch"/>
/// timestamp. Delay measured to this point is the server's and the network's alone: the generator's own scheduling
/// (a busy core, a late thread-pool continuation) happens after it. Linux x64/arm64; elsewhere it reports nothing.
/// </summary>
internal static partial class SocketArrival
{
    private const uint SiocGStampNs = 0x8907;

    public static bool IsSupported => OperatingSystem.IsLinux() && Environment.Is64BitProcess;

    /// <summary>Turns stamping on (the first ask does, and answers that there is no stamp yet).</summary>
    public static void Enable(Socket socket)
    {
        if (IsSupported)
        {
            TryRead(socket, out _);
        }
    }

    /// <summary>The last datagram's arrival in Stopwatch ticks; false when the kernel has none.</summary>
    public static unsafe bool TryRead(Socket socket, out long arrivedAt)
    {
        arrivedAt = 0;
        if (!IsSupported)
        {
            return false;
        }
        TimeSpec stamp;
        if (IoCtl(socket.Handle, SiocGStampNs, &stamp) != 0)
        {
            return false;
        }
        // The stamp is CLOCK_REALTIME; Stopwatch is CLOCK_MONOTONIC. Both tick alike over milliseconds, so take how
        // long ago the stamp was on one clock and step back as far on the other.
        var now = Stopwatch.GetTimestamp();
        var agoNs = ((DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100) - ((stamp.Seconds * 1_000_000_000) + stamp.Nanoseconds);
        arrivedAt = now - (long)(agoNs * (Stopwatch.Frequency / 1e9));
        return true;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static unsafe partial int IoCtl(nint socket, uint request, TimeSpec* result);
}
