using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CommunityStream.Chat.Delivery;

/// <summary>
/// Writes to a connection's socket without Kestrel's output pipe. A room's send pass (or a reply's producer) gives an
/// idle socket what is queued for it with one non-blocking <c>send(2)</c> on its own thread, where the pipe would cost
/// a thread-pool hop to the connection's writer, a copy into the pipe and a second hop to Kestrel's send loop. Linux only; elsewhere, and on
/// TLS connections, frames go through the WebSocket as before.
/// </summary>
internal sealed partial class DirectSocket(Socket socket)
{
    private const int EINTR = 4;
    private const int EAGAIN = 11;
    // MSG_DONTWAIT: a full socket buffer fails the call instead of blocking the room's thread; MSG_NOSIGNAL: a reset
    // peer is an error code, not SIGPIPE.
    private const int Flags = 0x40 | 0x4000;

    public static bool IsSupported => OperatingSystem.IsLinux();

    /// <summary>The connection's queue, once it has one: bytes written in turn go after what it holds.</summary>
    public FrameQueue? Frames { get; set; }

    /// <summary>
    /// Sends bytes that are not a queued frame (the upgrade response, the WebSocket's pongs and close frame) in their
    /// turn, after the frames already queued: never inside a frame that went out in part.
    /// </summary>
    public async ValueTask WriteInTurnAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancel)
    {
        if (Frames is not { } frames)
        {
            // The upgrade response: nothing else can be sending yet.
            await SendAsync(bytes, cancel);
            return;
        }
        await frames.TakeTurnAsync();
        try
        {
            await frames.DrainAsync(release: false, cancel);
            await SendAsync(bytes, cancel);
        }
        finally
        {
            frames.ReleaseTurn();
        }
        // Frames queued meanwhile found the turn taken and wait for a sender.
        frames.SendQueued();
    }

    /// <summary>
    /// Sends what the socket takes now: the bytes sent, 0 when its buffer is full, -1 when the connection is gone.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int TrySend(ReadOnlySpan<byte> bytes)
    {
        // The reference keeps the descriptor open while it is used: once Kestrel closed it, its number may
        // already belong to another client.
        var handle = socket.SafeHandle;
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            while (true)
            {
                var sent = Send(handle.DangerousGetHandle(), bytes, (nuint)bytes.Length, Flags);
                if (sent >= 0)
                {
                    return (int)sent;
                }
                var error = Marshal.GetLastPInvokeError();
                if (error != EINTR)
                {
                    return error == EAGAIN ? 0 : -1;
                }
            }
        }
        catch (ObjectDisposedException)
        {
            return -1;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// Shuts the connection down both ways: a send waiting for room in the buffer fails at once (so do the writes
    /// waiting for its turn), and the reader sees the end. Called when the WebSocket is aborted.
    /// </summary>
    public void Abort()
    {
        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already closed.
        }
    }

    /// <summary>Sends all of <paramref name="bytes"/>, waiting for room in the socket's buffer; the caller holds the turn.</summary>
    public async ValueTask SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancel)
    {
        while (!bytes.IsEmpty)
        {
            // A non-blocking send first: the socket's asynchronous send (and the event args it keeps for the socket's
            // life, about 300 B) is only for a full buffer.
            var sent = TrySend(bytes.Span);
            if (sent < 0)
            {
                throw new SocketException((int)SocketError.ConnectionReset);
            }
            if (sent == 0)
            {
                sent = await socket.SendAsync(bytes, SocketFlags.None, cancel);
            }
            bytes = bytes[sent..];
        }
    }

    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    private static partial nint Send(nint socket, ReadOnlySpan<byte> buffer, nuint length, int flags);
}
