using System.Buffers.Binary;
using System.Diagnostics;

namespace CommunityStream.MediaLoad;

/// <summary>
/// The publisher's send time in the last 12 bytes of an RTP payload: the marker <c>"CSml"</c> and the
/// <see cref="Stopwatch"/> timestamp (CLOCK_MONOTONIC on Linux, so publisher and viewers must share one machine).
/// At the end, so the VP8 payload descriptor and frame header at the start stay what a decoder expects.
/// </summary>
internal static class PayloadStamp
{
    public const int Length = 12;

    private const uint Marker = 0x4353_6D6C; // "CSml"

    /// <summary>Writes the stamp into the last <see cref="Length"/> bytes of <paramref name="payload"/>.</summary>
    public static void Write(Span<byte> payload, long timestamp)
    {
        var stamp = payload[^Length..];
        BinaryPrimitives.WriteUInt32BigEndian(stamp, Marker);
        BinaryPrimitives.WriteInt64BigEndian(stamp[4..], timestamp);
    }

    /// <summary>Reads a stamp from the end of a payload; false when the payload carries none.</summary>
    public static bool TryRead(ReadOnlySpan<byte> payload, out long timestamp)
    {
        timestamp = 0;
        if (payload.Length < Length || BinaryPrimitives.ReadUInt32BigEndian(payload[^Length..]) != Marker)
        {
            return false;
        }
        timestamp = BinaryPrimitives.ReadInt64BigEndian(payload[^8..]);
        return true;
    }

    /// <summary>Microseconds from a stamp to <paramref name="now"/> (both <see cref="Stopwatch"/> timestamps).</summary>
    public static long MicrosecondsBetween(long stamp, long now) =>
        (long)((now - stamp) * (1_000_000.0 / Stopwatch.Frequency));
}
