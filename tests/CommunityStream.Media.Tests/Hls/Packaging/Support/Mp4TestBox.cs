using System.Buffers.Binary;
using System.Text;

namespace CommunityStream.Media.Tests.Hls.Packaging.Support;

/// <summary>
/// A tiny ISO BMFF reader for the tests: checks that every box's size field fits exactly inside its parent
/// (children fill a container to its last byte) and gives the tree back for assertions.
/// </summary>
internal sealed record Mp4TestBox(string Type, int Offset, byte[] File, int Size, IReadOnlyList<Mp4TestBox> Children)
{
    private static readonly HashSet<string> Containers = ["moov", "trak", "mdia", "minf", "stbl", "dinf", "mvex", "moof", "traf"];

    /// <summary>The bytes after the 8-byte header.</summary>
    public ReadOnlySpan<byte> Body => File.AsSpan(Offset + 8, Size - 8);

    public uint UInt32(int bodyOffset) => BinaryPrimitives.ReadUInt32BigEndian(Body[bodyOffset..]);

    public ulong UInt64(int bodyOffset) => BinaryPrimitives.ReadUInt64BigEndian(Body[bodyOffset..]);

    public Mp4TestBox Child(string type) => Children.Single(c => c.Type == type);

    public IEnumerable<Mp4TestBox> All(string type) => Children.Where(c => c.Type == type);

    /// <summary>Follows a path like <c>trak/mdia/minf</c> (first match at each level).</summary>
    public Mp4TestBox Path(string path)
    {
        var box = this;
        foreach (var step in path.Split('/'))
        {
            box = box.Children.First(c => c.Type == step);
        }
        return box;
    }

    public static IReadOnlyList<Mp4TestBox> ParseAll(byte[] file) => ParseRange(file, 0, file.Length);

    private static List<Mp4TestBox> ParseRange(byte[] file, int start, int end)
    {
        var boxes = new List<Mp4TestBox>();
        var at = start;
        while (at < end)
        {
            Assert.True(end - at >= 8, $"a box header at {at} runs past its parent's end {end}");
            var size = (int)BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(at));
            var type = Encoding.ASCII.GetString(file, at + 4, 4);
            Assert.True(size >= 8 && at + size <= end, $"box '{type}' at {at} has size {size}, parent ends at {end}");
            var childrenStart = type switch
            {
                _ when Containers.Contains(type) => at + 8,
                "stsd" or "dref" => at + 16, // full box + entry_count
                "avc1" => at + 8 + 78, // VisualSampleEntry fields
                "Opus" => at + 8 + 28, // AudioSampleEntry fields
                _ => -1,
            };
            var children = childrenStart < 0 ? [] : ParseRange(file, childrenStart, at + size);
            boxes.Add(new Mp4TestBox(type, at, file, size, children));
            at += size;
        }
        Assert.Equal(end, at);
        return boxes;
    }
}
