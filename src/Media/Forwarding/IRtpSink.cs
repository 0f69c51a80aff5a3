namespace CommunityStream.Media.Forwarding;

/// <summary>Where a forwarder's packets go: a viewer's transport (protects and sends), or a test's capture.</summary>
internal interface IRtpSink
{
    bool SendRtp(ReadOnlySpan<byte> packet);

    bool SendRtcp(ReadOnlySpan<byte> packet);
}
