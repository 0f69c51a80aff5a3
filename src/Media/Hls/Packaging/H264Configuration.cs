namespace CommunityStream.Media.Hls.Packaging;

/// <summary>The parameter sets a video track's <c>avcC</c> carries; a change means a new init segment.</summary>
internal sealed record H264Configuration(byte[] Sps, byte[] Pps, H264SequenceParameterSet Info)
{
    public bool SameAs(H264Configuration? other) =>
        other is not null && Sps.AsSpan().SequenceEqual(other.Sps) && Pps.AsSpan().SequenceEqual(other.Pps);
}
