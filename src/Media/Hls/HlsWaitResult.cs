namespace CommunityStream.Media.Hls;

/// <summary>How a blocking playlist or part request stands against a window.</summary>
internal enum HlsWaitResult
{
    /// <summary>What was asked for exists (or the stream ended): answer now.</summary>
    Ready,

    /// <summary>Not yet: hold the request.</summary>
    Wait,

    /// <summary>Too far ahead to wait for (the spec: more than two segments after the last one): 400.</summary>
    TooFar,

    /// <summary>Too many requests are held on this node or channel already (503 with Retry-After).</summary>
    Busy,

    /// <summary>Gone from the window (or never going to exist): 404.</summary>
    Gone,
}
