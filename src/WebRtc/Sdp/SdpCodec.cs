namespace CommunityStream.WebRtc.Sdp;

/// <summary>One payload type of a media section: <c>a=rtpmap</c>, <c>a=fmtp</c> and <c>a=rtcp-fb</c> lines.</summary>
/// <param name="PayloadType">The RTP payload type, 0–127.</param>
/// <param name="Name">Encoding name as in rtpmap, e.g. <c>opus</c>, <c>VP8</c>, <c>rtx</c>.</param>
/// <param name="ClockRate">RTP clock rate in Hz.</param>
/// <param name="Channels">Audio channels (1 when rtpmap gives none).</param>
public sealed record SdpCodec(int PayloadType, string Name, int ClockRate, int Channels)
{
    /// <summary>The <c>a=fmtp</c> parameters as written, or empty.</summary>
    public string Format { get; init; } = "";

    /// <summary>The <c>a=rtcp-fb</c> values, e.g. <c>nack</c>, <c>nack pli</c>, <c>transport-cc</c>.</summary>
    public IReadOnlyList<string> Feedback { get; init; } = [];

    /// <summary>One fmtp parameter (<c>apt</c>, <c>packetization-mode</c>, …), or null.</summary>
    public string? Parameter(string name)
    {
        foreach (var pair in Format.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && pair.AsSpan(0, eq).Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return pair[(eq + 1)..].Trim();
            }
        }
        return null;
    }
}
