using CommunityStream.Media.Forwarding;

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

    public bool SendRtcp(ReadOnlySpan<byte> packet)
    {
        Rtcp.Add(packet.ToArray());
        return true;
    }
}
