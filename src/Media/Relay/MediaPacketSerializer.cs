using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;
using CommunityStream.Media.Forwarding;

namespace CommunityStream.Media.Relay;

/// <summary>
/// Binary wire form of <see cref="MediaPacket"/> for the node-to-node relay: a 12-byte prefix (kind and flags,
/// sequence, timestamp, header length) and the RTP packet as received. The receive time is local to each node,
/// so the receiving node stamps its own.
/// </summary>
internal sealed class MediaPacketSerializer(ExtendedActorSystem system) : Serializer(system)
{
    public const int Id = 4711;
    private const int PrefixLength = 12;

    public override int Identifier => Id;

    public override bool IncludeManifest => false;

    public override byte[] ToBinary(object obj)
    {
        var packet = (MediaPacket)obj;
        var bytes = new byte[PrefixLength + packet.Data.Length];
        bytes[0] = (byte)((packet.Kind == MediaKind.Video ? 1 : 0) | (packet.Marker ? 2 : 0) | (packet.Keyframe ? 4 : 0));
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(2), packet.Sequence);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4), packet.Timestamp);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), packet.HeaderLength);
        packet.Data.CopyTo(bytes, PrefixLength);
        return bytes;
    }

    public override object FromBinary(byte[] bytes, Type type)
    {
        if (bytes.Length < PrefixLength)
        {
            throw new SerializationException($"A relayed media packet needs at least {PrefixLength} bytes, got {bytes.Length}.");
        }
        var headerLength = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(8));
        var data = bytes.AsSpan(PrefixLength).ToArray();
        if (headerLength < 12 || headerLength > data.Length)
        {
            throw new SerializationException($"A relayed media packet has header length {headerLength} for {data.Length} bytes.");
        }
        var flags = bytes[0];
        return new MediaPacket(
            (flags & 1) != 0 ? MediaKind.Video : MediaKind.Audio,
            data,
            headerLength,
            BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(2)),
            BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(4)),
            (flags & 2) != 0,
            (flags & 4) != 0,
            Stopwatch.GetTimestamp());
    }
}
