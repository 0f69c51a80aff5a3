namespace CommunityStream.WebRtc.Sdp;

/// <summary>An SDP that cannot be used, with the line that is wrong (1-based; 0 when it is about the whole SDP).</summary>
public sealed class SdpParseException(int lineNumber, string reason)
    : Exception(lineNumber > 0 ? $"SDP line {lineNumber}: {reason}" : $"SDP: {reason}")
{
    /// <summary>1-based line number, or 0 for a problem with the description as a whole.</summary>
    public int LineNumber { get; } = lineNumber;

    /// <summary>What is wrong, without the line prefix.</summary>
    public string Reason { get; } = reason;
}
