using CommunityStream.Media.Hls;
using CommunityStream.Media.Hls.Packaging;

namespace CommunityStream.Media.Tests.Hls;

/// <summary>Stand-in packager output: parts of a given duration with recognisable bytes and a running clock.</summary>
internal sealed class SyntheticParts(ICmafOutput output, TimeSpan partDuration, int partBytes = 1000)
{
    private DateTimeOffset _clock = new(2026, 12, 7, 5, 0, 0, TimeSpan.Zero);
    private int _made;

    public static HlsWindowSettings Settings { get; } = new(TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(30));

    public static byte[] Init(byte tag) => [0, 0, 0, 8, (byte)'f', (byte)'t', (byte)'y', tag];

    /// <summary>The bytes of the n-th part made (0-based): its number repeated, so a mix-up shows.</summary>
    public static byte[] BytesOf(int n, int length) => Enumerable.Range(0, length).Select(i => (byte)(n * 31 + i)).ToArray();

    public CmafPart Next(bool independent, TimeSpan? duration = null, int? length = null)
    {
        var span = duration ?? partDuration;
        var part = new CmafPart(BytesOf(_made++, length ?? partBytes), span, independent, _clock, System.Diagnostics.Stopwatch.GetTimestamp());
        _clock += span;
        output.Part(part);
        return part;
    }

    /// <summary>Feeds a GOP of <paramref name="parts"/> parts, the first independent.</summary>
    public void Gop(int parts)
    {
        for (var i = 0; i < parts; i++)
        {
            Next(independent: i == 0);
        }
    }
}
