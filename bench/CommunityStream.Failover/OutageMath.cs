namespace CommunityStream.Failover;

/// <summary>
/// Pure figures over one fault window [fault, windowEnd): a room's write outage and longest write stall, a member's
/// time until it receives again, and nearest-rank percentiles. Times are monotonic milliseconds.
/// </summary>
internal static class OutageMath
{
    /// <summary>
    /// Write outage of a room: from the fault to the first ack of a write created at or after the fault (a "new" write;
    /// with <paramref name="newAfter"/>, after the fault had taken effect). Null when no new write was acknowledged
    /// inside the window.
    /// </summary>
    public static double? WriteOutage(IReadOnlyList<AckRecord> roomAcks, double faultAt, double windowEnd, double? newAfter = null)
    {
        double? first = null;
        var createdFrom = Math.Max(faultAt, newAfter ?? faultAt);
        foreach (var ack in roomAcks)
        {
            if (ack.CreatedAt >= createdFrom && ack.AckedAt < windowEnd && (first is null || ack.AckedAt < first))
            {
                first = ack.AckedAt;
            }
        }

        return first - faultAt;
    }

    /// <summary>
    /// Longest time inside [fault, windowEnd) during which the room acknowledged nothing (counting from the fault to the
    /// first ack, between acks, and from the last ack to the window's end). A room "stalled" when this exceeds a second.
    /// </summary>
    public static double LongestWriteStall(IReadOnlyList<AckRecord> roomAcks, double faultAt, double windowEnd)
    {
        var times = roomAcks.Select(a => a.AckedAt).Where(t => t >= faultAt && t < windowEnd).Order().ToList();
        var previous = faultAt;
        var longest = 0.0;
        foreach (var t in times)
        {
            longest = Math.Max(longest, t - previous);
            previous = t;
        }

        return Math.Max(longest, windowEnd - previous);
    }

    /// <summary>
    /// When a member was hit by the fault and how long until it received again. It was hit when its connection ended
    /// inside the window, or when a gap of more than <paramref name="stallMs"/> between received messages overlaps the
    /// window. Returns null when it was not hit; <c>BackAfterMs</c> is null when it was hit and did not receive again before
    /// <paramref name="backUntil"/> (at least the window's end: a member hit late in a window may come back after it).
    /// </summary>
    public static MemberHit? MemberBack(IReadOnlyList<double> receives, IReadOnlyList<double> disconnects, double faultAt, double windowEnd, double stallMs, double? backUntil = null)
    {
        double? troubleStart = null;
        foreach (var d in disconnects)
        {
            if (d >= faultAt && d < windowEnd)
            {
                troubleStart = d;
                break;
            }
        }

        // The gap that contains the fault or starts inside the window: from the last receive before it to the next receive.
        var previous = double.NaN;
        foreach (var r in receives)
        {
            // Only the silence inside the window counts: a gap that began before the fault, or runs past the window's
            // end (into the next fault), must still last a stall within the window.
            if (!double.IsNaN(previous) && Math.Min(r, windowEnd) - Math.Max(previous, faultAt) > stallMs)
            {
                var start = Math.Max(previous, faultAt);
                if (troubleStart is null || start < troubleStart)
                {
                    troubleStart = start;
                }

                break;
            }

            previous = r;
        }

        // A trailing silence: nothing received from the last message (or the fault) to the window's end.
        var lastInWindow = receives.Where(r => r < windowEnd).DefaultIfEmpty(double.NegativeInfinity).Max();
        var silenceFrom = Math.Max(lastInWindow, faultAt);
        if (troubleStart is null && windowEnd - silenceFrom > stallMs)
        {
            troubleStart = silenceFrom;
        }

        if (troubleStart is not { } from)
        {
            return null;
        }

        var until = Math.Max(windowEnd, backUntil ?? windowEnd);
        foreach (var r in receives)
        {
            if (r > from && r < until)
            {
                return new MemberHit(r - faultAt);
            }
        }

        return new MemberHit(null);
    }

    /// <summary>Nearest-rank percentile (p in 0–100) of the values; null for none.</summary>
    public static double? Percentile(IReadOnlyCollection<double> values, double p)
    {
        if (values.Count == 0)
        {
            return null;
        }

        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}

/// <summary>A member hit by a fault; <paramref name="BackAfterMs"/> is the time from the fault until it received again.</summary>
internal sealed record MemberHit(double? BackAfterMs);
