using System.Buffers.Binary;
using System.Runtime.Serialization;
using System.Text;
using CommunityStream.Media.Hls.Packaging;

namespace CommunityStream.Media.Hls;

/// <summary>
/// The binary form of window events between nodes, cut into <see cref="HlsWireChunk"/>s. An event is a kind byte and
/// its fields big-endian; bytes (init, part) come last. The part's completion time is local to each node, so the
/// receiver stamps its own.
/// </summary>
internal static class HlsWireCodec
{
    /// <summary>Bytes per chunk at most: half of Akka.Remote's default 128,000-byte frame.</summary>
    public const int MaxChunk = 64_000;

    private const byte Begin = 1, Init = 2, Part = 3, Ended = 4, SnapshotSent = 5;

    public static IEnumerable<HlsWireChunk> Encode(HlsWindowEvent change)
    {
        var bytes = Serialize(change);
        if (bytes.Length <= MaxChunk)
        {
            yield return new HlsWireChunk(bytes, Last: true);
            yield break;
        }
        for (var offset = 0; offset < bytes.Length; offset += MaxChunk)
        {
            var length = Math.Min(MaxChunk, bytes.Length - offset);
            yield return new HlsWireChunk(bytes.AsSpan(offset, length).ToArray(), offset + length == bytes.Length);
        }
    }

    public static byte[] Serialize(HlsWindowEvent change)
    {
        switch (change)
        {
            case HlsWindowBegin begin:
                {
                    var epoch = Encoding.ASCII.GetBytes(begin.Epoch);
                    var bytes = new byte[1 + 8 * 4 + 1 + epoch.Length];
                    bytes[0] = Begin;
                    BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(1), begin.Settings.SegmentTarget.Ticks);
                    BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(9), begin.Settings.PartTarget.Ticks);
                    BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(17), begin.Settings.Retain.Ticks);
                    BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(25), begin.DiscontinuitySequence);
                    bytes[33] = (byte)epoch.Length;
                    epoch.CopyTo(bytes, 34);
                    return bytes;
                }
            case HlsInitAdded init:
                {
                    var bytes = new byte[5 + init.Bytes.Length];
                    bytes[0] = Init;
                    BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(1), init.Id);
                    init.Bytes.Span.CopyTo(bytes.AsSpan(5));
                    return bytes;
                }
            case HlsPartAdded part:
                {
                    var bytes = new byte[PartHeader + part.Part.Bytes.Length];
                    bytes[0] = Part;
                    BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(1), part.Number);
                    BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(9), part.Msn);
                    BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(17), part.Index);
                    BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(21), part.InitId);
                    bytes[25] = (byte)((part.Discontinuity ? 1 : 0) | (part.Part.Independent ? 2 : 0));
                    BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(26), part.Part.Duration.Ticks);
                    BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(34), part.Part.ProgramDateTime.UtcTicks);
                    part.Part.Bytes.Span.CopyTo(bytes.AsSpan(PartHeader));
                    return bytes;
                }
            case HlsWindowEnded:
                return [Ended];
            case HlsSnapshotSent:
                return [SnapshotSent];
            default:
                throw new ArgumentException($"Unknown window event {change.GetType().Name}.", nameof(change));
        }
    }

    /// <summary>Decodes one event; throws <see cref="SerializationException"/> for bytes that are not one.</summary>
    public static HlsWindowEvent Deserialize(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            throw new SerializationException("An HLS window event is empty.");
        }
        switch (bytes[0])
        {
            case Begin when bytes.Length >= 34 && bytes.Length == 34 + bytes[33]:
                var settings = new HlsWindowSettings(
                    Ticks(bytes[1..]), Ticks(bytes[9..]), Ticks(bytes[17..]));
                if (settings.SegmentTarget <= TimeSpan.Zero || settings.PartTarget <= TimeSpan.Zero || settings.Retain < TimeSpan.Zero)
                {
                    throw new SerializationException("An HLS window's timing is out of range.");
                }
                return new HlsWindowBegin(Encoding.ASCII.GetString(bytes[34..]), settings, BinaryPrimitives.ReadInt64BigEndian(bytes[25..]));
            case Init when bytes.Length >= 5:
                return new HlsInitAdded(BinaryPrimitives.ReadInt32BigEndian(bytes[1..]), bytes[5..].ToArray());
            case Part when bytes.Length >= PartHeader:
                var pdt = BinaryPrimitives.ReadInt64BigEndian(bytes[34..]);
                if (pdt < DateTimeOffset.MinValue.UtcTicks || pdt > DateTimeOffset.MaxValue.UtcTicks)
                {
                    throw new SerializationException("An HLS part's date is out of range.");
                }
                var cmaf = new CmafPart(bytes[PartHeader..].ToArray(), Ticks(bytes[26..]), (bytes[25] & 2) != 0,
                    new DateTimeOffset(pdt, TimeSpan.Zero), System.Diagnostics.Stopwatch.GetTimestamp());
                return new HlsPartAdded(
                    BinaryPrimitives.ReadInt64BigEndian(bytes[1..]),
                    BinaryPrimitives.ReadInt64BigEndian(bytes[9..]),
                    BinaryPrimitives.ReadInt32BigEndian(bytes[17..]),
                    BinaryPrimitives.ReadInt32BigEndian(bytes[21..]),
                    (bytes[25] & 1) != 0,
                    cmaf);
            case Ended when bytes.Length == 1:
                return HlsWindowEnded.Instance;
            case SnapshotSent when bytes.Length == 1:
                return HlsSnapshotSent.Instance;
            default:
                throw new SerializationException($"Not an HLS window event (kind {bytes[0]}, {bytes.Length} bytes).");
        }
    }

    private const int PartHeader = 42;

    private static TimeSpan Ticks(ReadOnlySpan<byte> bytes)
    {
        var ticks = BinaryPrimitives.ReadInt64BigEndian(bytes);
        return ticks is < 0 or > TimeSpan.TicksPerDay ? throw new SerializationException("An HLS duration is out of range.") : TimeSpan.FromTicks(ticks);
    }
}

/// <summary>Reassembles chunks into events, in order (one per subscription; not thread-safe).</summary>
internal sealed class HlsWireAssembler : IDisposable
{
    /// <summary>An event larger than this is refused (a keyframe part at the highest publish bitrate is far smaller).</summary>
    public const int MaxEvent = 16 * 1024 * 1024;

    private readonly MemoryStream _pending = new();

    /// <summary>The event the chunk completes, or null while more chunks are due.</summary>
    public HlsWindowEvent? Add(HlsWireChunk chunk)
    {
        if (_pending.Length == 0 && chunk.Last)
        {
            return HlsWireCodec.Deserialize(chunk.Data);
        }
        if (_pending.Length + chunk.Data.Length > MaxEvent)
        {
            throw new SerializationException($"An HLS window event exceeds {MaxEvent} bytes.");
        }
        _pending.Write(chunk.Data);
        if (!chunk.Last)
        {
            return null;
        }
        var change = HlsWireCodec.Deserialize(_pending.GetBuffer().AsSpan(0, (int)_pending.Length));
        _pending.SetLength(0);
        return change;
    }

    public void Dispose() => _pending.Dispose();
}
