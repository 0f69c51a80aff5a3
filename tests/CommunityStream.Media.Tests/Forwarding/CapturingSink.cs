using CommunityStream.WebRtc.Transport;

namespace CommunityStream.Media.Tests.Forwarding;

/// <summary>Records what a forwarder sends instead of protecting it (the transport is tested on its own).</summary>
internal sealed class CapturingSink : IRtpSink
{
    public List<byte[]> Rtp { get; } = [];

    public List<byte[]> Rtcp { get; } = [];

    public bool SendRtp(ReadOnlySpan<byte> packet)
    {
        Rtp.Add(packet.ToArray());
        return true;
    }

    public bool TryProtectRtp(Span<byte> buffer, int length, out int protectedLength, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out System.Net.SocketAddress? destination)
    {
        // "Protection" is the identity here; the batch sends the copy to Destination.
        Entered.TrySetResult();
        Hold?.Wait(TimeSpan.FromSeconds(30));
        Rtp.Add(buffer[..length].ToArray());
        protectedLength = length;
        destination = Destination;
        return true;
    }

    /// <summary>Set when a copy is first protected; with <see cref="Hold"/>, a test can stall the fan-out inside a pass.</summary>
    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ManualResetEventSlim? Hold { get; set; }

    /// <summary>Where batched copies go (a real loopback socket in the batched-forwarding test).</summary>
    public System.Net.SocketAddress Destination { get; set; } = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 9).Serialize();

    public bool SendRtcp(ReadOnlySpan<byte> packet)
    {
        Rtcp.Add(packet.ToArray());
        return true;
    }
}
