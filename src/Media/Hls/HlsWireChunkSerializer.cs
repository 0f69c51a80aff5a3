using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;

namespace CommunityStream.Media.Hls;

/// <summary>Wire form of <see cref="HlsWireChunk"/>: one flag byte (last) and the chunk's bytes.</summary>
internal sealed class HlsWireChunkSerializer(ExtendedActorSystem system) : Serializer(system)
{
    public const int Id = 4712;

    public override int Identifier => Id;

    public override bool IncludeManifest => false;

    public override byte[] ToBinary(object obj)
    {
        var chunk = (HlsWireChunk)obj;
        var bytes = new byte[1 + chunk.Data.Length];
        bytes[0] = chunk.Last ? (byte)1 : (byte)0;
        chunk.Data.CopyTo(bytes, 1);
        return bytes;
    }

    public override object FromBinary(byte[] bytes, Type type) =>
        bytes.Length < 1 || bytes[0] > 1
            ? throw new SerializationException("An HLS wire chunk needs a flag byte of 0 or 1.")
            : new HlsWireChunk(bytes[1..], bytes[0] == 1);
}
