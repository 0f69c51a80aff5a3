using System.Buffers.Text;
using System.Diagnostics;

namespace CommunityStream.LoadGen;

/// <summary>
/// The stamp a publisher puts in each message text: <c>lg1 {publisher} {sequence} {timestamp}</c>, then
/// optional padding. The timestamp is on the run's <see cref="StampClock"/>; receivers in the same run
/// parse it back to measure delivery latency and to check per-publisher sequences.
/// </summary>
internal readonly record struct MessageStamp(int Publisher, long Sequence, long Timestamp)
{
    private const string Prefix = "lg1 ";

    public string Format(int paddedLength = 0)
    {
        var text = $"{Prefix}{Publisher} {Sequence} {Timestamp}";
        return text.Length >= paddedLength ? text : text + " " + new string('x', paddedLength - text.Length - 1);
    }

    /// <summary>Parses a stamp from the start of a UTF-8 text; false for any other text.</summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out MessageStamp stamp)
    {
        stamp = default;
        if (!text.StartsWith("lg1 "u8))
        {
            return false;
        }

        text = text[Prefix.Length..];
        if (!TryReadNumber(ref text, out var publisher) || publisher > int.MaxValue
            || !TryReadNumber(ref text, out var sequence)
            || !TryReadNumber(ref text, out var timestamp))
        {
            return false;
        }

        stamp = new MessageStamp((int)publisher, sequence, timestamp);
        return true;
    }

    private static bool TryReadNumber(ref ReadOnlySpan<byte> text, out long value)
    {
        if (!Utf8Parser.TryParse(text, out value, out var consumed) || consumed == 0 || value < 0)
        {
            return false;
        }

        text = text[consumed..];
        if (!text.IsEmpty)
        {
            if (text[0] != (byte)' ')
            {
                return false;
            }

            text = text[1..];
        }

        return true;
    }
}

/// <summary>
/// The clock stamps are taken on. <c>Monotonic</c>: <see cref="Stopwatch"/> ticks (on Linux
/// CLOCK_MONOTONIC, one clock for the whole machine). <c>Wall</c>: Unix time in microseconds, for runs
/// split over several generator processes.
/// </summary>
internal enum StampClock
{
    Monotonic,
    Wall,
}

internal static class StampClocks
{
    public static long Now(StampClock clock) => clock == StampClock.Monotonic
        ? Stopwatch.GetTimestamp()
        : (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / 10;

    /// <summary>Microseconds between a stamp and now on the same clock.</summary>
    public static long MicrosecondsSince(StampClock clock, long timestamp)
    {
        var now = Now(clock);
        return clock == StampClock.Monotonic
            ? (long)((now - timestamp) * (1_000_000.0 / Stopwatch.Frequency))
            : now - timestamp;
    }
}
