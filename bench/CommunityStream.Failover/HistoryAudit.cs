namespace CommunityStream.Failover;

/// <summary>
/// Compares every acknowledged write with the rooms' final history (offset → clientId, read at the end): an acked
/// (room, offset, clientId) must be in the history exactly once, at its offset.
/// </summary>
internal static class HistoryAudit
{
    public static AuditResult Check(IReadOnlyList<AckRecord> acks, IReadOnlyDictionary<int, IReadOnlyDictionary<long, string?>> history)
    {
        var lost = new List<string>();
        var misplaced = new List<string>();
        var ackedAtTwoOffsets = 0;
        foreach (var group in acks.GroupBy(a => (a.Room, a.ClientId)))
        {
            var offsets = group.Select(a => a.Offset).Distinct().ToList();
            if (offsets.Count > 1)
            {
                ackedAtTwoOffsets++;
            }

            var roomHistory = history.GetValueOrDefault(group.Key.Room) ?? new Dictionary<long, string?>();
            foreach (var offset in offsets)
            {
                if (roomHistory.GetValueOrDefault(offset) == group.Key.ClientId)
                {
                    continue;
                }

                var label = $"room {group.Key.Room} offset {offset} {group.Key.ClientId}";
                if (roomHistory.Values.Contains(group.Key.ClientId))
                {
                    misplaced.Add(label);
                }
                else
                {
                    lost.Add(label);
                }
            }
        }

        var duplicates = 0;
        var holes = 0;
        foreach (var (_, roomHistory) in history)
        {
            duplicates += roomHistory.Values.Where(c => c is not null).GroupBy(c => c).Count(g => g.Count() > 1);
            if (roomHistory.Count > 0)
            {
                holes += (int)(roomHistory.Keys.Max() - roomHistory.Count);
            }
        }

        return new AuditResult(
            AckedWrites: acks.Select(a => (a.Room, a.ClientId)).Distinct().Count(),
            Lost: lost.Count,
            Misplaced: misplaced.Count,
            DuplicatesInHistory: duplicates,
            AckedAtTwoOffsets: ackedAtTwoOffsets,
            HistoryHoles: holes,
            Examples: [.. lost.Concat(misplaced).Take(10)]);
    }
}

/// <summary>
/// The audit's counts. <paramref name="Lost"/>: acked writes missing from the history; <paramref name="Misplaced"/>:
/// present but not at the acked offset; <paramref name="DuplicatesInHistory"/>: clientIds at two or more offsets;
/// <paramref name="HistoryHoles"/>: offsets between 1 and the highest one that the history does not hold.
/// </summary>
internal sealed record AuditResult(int AckedWrites, int Lost, int Misplaced, int DuplicatesInHistory, int AckedAtTwoOffsets, int HistoryHoles, IReadOnlyList<string> Examples);
