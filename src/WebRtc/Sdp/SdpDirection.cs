namespace CommunityStream.WebRtc.Sdp;

/// <summary>Media direction attribute of a section (RFC 8866 §6.7).</summary>
public enum SdpDirection
{
    /// <summary><c>a=sendrecv</c> (the default when absent).</summary>
    SendRecv,
    /// <summary><c>a=sendonly</c>: the offerer only sends.</summary>
    SendOnly,
    /// <summary><c>a=recvonly</c>: the offerer only receives.</summary>
    RecvOnly,
    /// <summary><c>a=inactive</c>.</summary>
    Inactive,
}
