namespace CommunityStream.WebRtc.Sdp;

/// <summary>Media direction attribute of a section (RFC 8866 §6.7).</summary>
public enum SdpDirection
{
    SendRecv,
    SendOnly,
    RecvOnly,
    Inactive,
}
