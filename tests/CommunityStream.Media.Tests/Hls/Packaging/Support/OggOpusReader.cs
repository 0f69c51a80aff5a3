namespace CommunityStream.Media.Tests.Hls.Packaging.Support;

/// <summary>Opus packets from an Ogg file (RFC 3533 pages, RFC 7845): the two header packets skipped.</summary>
internal static class OggOpusReader
{
    public static List<byte[]> Packets(byte[] ogg)
    {
        var packets = new List<byte[]>();
        var current = new List<byte>();
        var at = 0;
        while (at + 27 <= ogg.Length)
        {
            Assert.True(ogg[at] == 'O' && ogg[at + 1] == 'g' && ogg[at + 2] == 'g' && ogg[at + 3] == 'S', "Ogg page expected");
            var segments = ogg[at + 26];
            var data = at + 27 + segments;
            for (var s = 0; s < segments; s++)
            {
                var lace = ogg[at + 27 + s];
                current.AddRange(ogg.AsSpan(data, lace));
                data += lace;
                if (lace < 255)
                {
                    packets.Add([.. current]);
                    current.Clear();
                }
            }
            at = data;
        }
        Assert.StartsWith("OpusHead", System.Text.Encoding.ASCII.GetString(packets[0]));
        return packets.Skip(2).ToList();
    }
}
