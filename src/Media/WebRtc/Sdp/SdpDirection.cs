namespace CommunityStream.Media.WebRtc.Sdp;

/// <summary>Media direction attribute of a section (RFC 8866 §6.7).</summary>
internal enum SdpDirection
{
    SendRecv,
    SendOnly,
    RecvOnly,
    Inactive,
}
