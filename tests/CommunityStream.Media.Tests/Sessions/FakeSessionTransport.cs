using System.Collections.Concurrent;
using CommunityStream.Media.Sessions;
using CommunityStream.Media.Tests.Forwarding;
using CommunityStream.WebRtc.Transport;

namespace CommunityStream.Media.Tests.Sessions;

/// <summary>
/// A session transport whose DTLS completion the test decides (<see cref="CompleteConnected"/>). Closing behaves
/// like the real transport's: once, <see cref="Connected"/> faults if it had not completed, <see cref="Closed"/>
/// completes, and nothing is sent after it.
/// </summary>
internal sealed class FakeSessionTransport : ISessionTransport
{
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _disposed;

    public string LocalUfrag { get; } = MediaSessions.NewId()[..8];

    public string RemoteUfrag => "client";

    public CapturingSink Capture { get; } = new();

    public IRtpSink Sink => Capture;

    public Task Connected => _connected.Task;

    public Task<string> Closed => _closed.Task;

    public ReceivedPacket? RtpReceived { get; set; }

    public ReceivedPacket? RtcpReceived { get; set; }

    public ConcurrentQueue<byte[]> RtcpSent { get; } = new();

    public bool IsClosed => Volatile.Read(ref _disposed) == 1;

    /// <summary>DTLS finished: the keys are in place.</summary>
    public void CompleteConnected() => _connected.TrySetResult();

    public bool SendRtcp(ReadOnlySpan<byte> packet)
    {
        if (IsClosed)
        {
            return false;
        }
        RtcpSent.Enqueue(packet.ToArray());
        return true;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        _connected.TrySetException(new InvalidOperationException("Transport closed: closed"));
        _closed.TrySetResult("closed");
    }
}
