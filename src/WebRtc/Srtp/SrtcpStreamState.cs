namespace CommunityStream.WebRtc.Srtp;

/// <summary>Per-SSRC SRTCP state (RFC 3711 §3.4): the 31-bit index to send next and the receive replay window.</summary>
internal sealed class SrtcpStreamState
{
    public const uint IndexMask = 0x7FFF_FFFF;

    public uint NextSendIndex { get; set; }

    public ReplayWindow Replay { get; } = new();

    public uint TakeSendIndex()
    {
        var index = NextSendIndex;
        NextSendIndex = (index + 1) & IndexMask;
        return index;
    }
}
