using CommunityStream.Media.Hls.Packaging;

namespace CommunityStream.Media.Tests.Hls.Packaging.Support;

/// <summary>Keeps what a packager hands over, in order.</summary>
internal sealed class CapturingCmafOutput : ICmafOutput
{
    public List<byte[]> Inits { get; } = [];

    public List<CmafPart> Parts { get; } = [];

    /// <summary>Index into <see cref="Parts"/> at which each init segment was emitted.</summary>
    public List<int> InitBeforePart { get; } = [];

    public int KeyframeRequests { get; private set; }

    public void InitSegment(ReadOnlyMemory<byte> init)
    {
        Inits.Add(init.ToArray());
        InitBeforePart.Add(Parts.Count);
    }

    public void Part(CmafPart part) => Parts.Add(part);

    public void KeyframeWanted() => KeyframeRequests++;

    /// <summary>The last init segment followed by every part: a file a player or ffprobe can read.</summary>
    public byte[] File()
    {
        using var stream = new MemoryStream();
        stream.Write(Inits[^1]);
        foreach (var part in Parts)
        {
            stream.Write(part.Bytes.Span);
        }
        return stream.ToArray();
    }
}
