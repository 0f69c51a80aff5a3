namespace CommunityStream.Media.Hls.Packaging;

/// <summary>
/// The parameter sets a video track's <c>avcC</c> carries, every id seen (in id order); a new or changed one means a
/// new init segment. <see cref="Info"/> is parsed from the first SPS.
/// </summary>
internal sealed record H264Configuration(IReadOnlyList<byte[]> SpsSet, IReadOnlyList<byte[]> PpsSet, H264SequenceParameterSet Info)
{
    public H264Configuration(byte[] sps, byte[] pps, H264SequenceParameterSet info)
        : this([sps], [pps], info)
    {
    }

    /// <summary>The first SPS (its profile and level go into avcC's header).</summary>
    public byte[] Sps => SpsSet[0];

    public byte[] Pps => PpsSet[0];

    public bool SameAs(H264Configuration? other) =>
        other is not null && Same(SpsSet, other.SpsSet) && Same(PpsSet, other.PpsSet);

    private static bool Same(IReadOnlyList<byte[]> a, IReadOnlyList<byte[]> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }
        for (var i = 0; i < a.Count; i++)
        {
            if (!a[i].AsSpan().SequenceEqual(b[i]))
            {
                return false;
            }
        }
        return true;
    }
}
