namespace CommunityStream.Failover;

/// <summary>The figures of one fault window: per room write outage and stall, per member time back.</summary>
internal sealed record FaultFigures(
    string Kind,
    int Node,
    double AtSeconds,
    double WindowSeconds,
    double? StepMs,
    int? ExitCode,
    IReadOnlyList<RoomFigure> Rooms,
    int MembersHit,
    int MembersNotBack,
    IReadOnlyList<double> MembersBackMs)
{
    public bool IsFault => Kind is "kill" or "term" or "partition";

    public IEnumerable<RoomFigure> Affected => Rooms.Where(r => r.Affected);

    public IEnumerable<RoomFigure> Unaffected => Rooms.Where(r => !r.Affected);

    /// <summary>Computes the window's figures from every ack and every member timeline of the run.</summary>
    public static FaultFigures Compute(FaultEvent fault, IReadOnlyDictionary<int, List<AckRecord>> acksByRoom, IReadOnlyList<MemberTimeline> members, int rooms, double stallMs)
    {
        var roomFigures = new List<RoomFigure>();
        for (var room = 0; room < rooms; room++)
        {
            var acks = acksByRoom.GetValueOrDefault(room) ?? [];
            var outage = OutageMath.WriteOutage(acks, fault.At, fault.OutageEnd, fault.DoneAt);
            var stall = OutageMath.LongestWriteStall(acks, fault.At, fault.WindowEnd);
            // No new write acknowledged before the next fault: the time to it is a lower bound of the outage.
            var affected = stall > stallMs || outage is null || outage > stallMs;
            roomFigures.Add(new RoomFigure(room, outage ?? (fault.OutageEnd - fault.At), outage is null, stall, affected));
        }

        var back = new List<double>();
        var hit = 0;
        var notBack = 0;
        foreach (var member in members)
        {
            if (OutageMath.MemberBack(member.Receives, member.Disconnects, fault.At, fault.WindowEnd, stallMs, fault.OutageEnd) is not { } memberHit)
            {
                continue;
            }

            hit++;
            if (memberHit.BackAfterMs is { } ms)
            {
                back.Add(ms);
            }
            else
            {
                notBack++;
            }
        }

        return new FaultFigures(fault.Kind, fault.Node, fault.At / 1000, (fault.WindowEnd - fault.At) / 1000, fault.StepMs, fault.ExitCode, roomFigures, hit, notBack, back);
    }
}

/// <summary>
/// One room in one fault window: <paramref name="OutageMs"/> from the fault to the first ack of a write made after it
/// (when <paramref name="NoAckInWindow"/>, none came inside the window and this is the window's length, a lower bound),
/// <paramref name="LongestStallMs"/> the longest time without any ack.
/// </summary>
internal sealed record RoomFigure(int Room, double OutageMs, bool NoAckInWindow, double LongestStallMs, bool Affected);
