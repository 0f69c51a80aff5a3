using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CommunityStream.Failover;

/// <summary>The run's result: the table for people and one JSON line for tools.</summary>
internal sealed class BenchReport
{
    public required string Scenario { get; init; }

    public required string Mode { get; init; }

    public required int Nodes { get; init; }

    public required string StartedUtc { get; init; }

    public required IReadOnlyList<FaultFigures> Faults { get; init; }

    public required AuditResult Audit { get; init; }

    public required int ConflictingOffsets { get; init; }

    public required int DuplicateClientIdsSeenByMembers { get; init; }

    public required long MemberGapMessages { get; init; }

    public required long UnrecoveredJoins { get; init; }

    public required long EpochChanges { get; init; }

    public required long Resends { get; init; }

    public required int PendingAtEnd { get; init; }

    public required IReadOnlyDictionary<string, int> CloseCodes { get; init; }

    public required IReadOnlyDictionary<string, int> Errors { get; init; }

    public required IReadOnlyDictionary<string, int> ConnectFailures { get; init; }

    public required int LeadersAtEnd { get; init; }

    public required int MaxConcurrentLeaders { get; init; }

    public required IReadOnlyList<int> NodesThatFormedNewClusterOnRestart { get; init; }

    public required string OutputDirectory { get; init; }

    /// <summary>Summary over faults (kill, term, partition) or over recovery steps (restart, heal).</summary>
    public object Summary(bool restarts)
    {
        var windows = Faults.Where(f => f.IsFault != restarts).ToList();
        var affected = windows.SelectMany(f => f.Affected).ToList();
        var unaffected = windows.SelectMany(f => f.Unaffected).ToList();
        var affectedOutages = affected.Select(r => r.OutageMs).ToList();
        var unaffectedOutages = unaffected.Select(r => r.OutageMs).ToList();
        var back = windows.SelectMany(f => f.MembersBackMs).ToList();
        return new
        {
            windows = windows.Count,
            affectedRooms = affected.Count,
            roomWindows = windows.Sum(f => f.Rooms.Count),
            affectedOutageP50Ms = Round(OutageMath.Percentile(affectedOutages, 50)),
            affectedOutageMaxMs = Round(affectedOutages.Count == 0 ? null : affectedOutages.Max()),
            affectedNoAckInWindow = affected.Count(r => r.NoAckInWindow),
            unaffectedOutageP50Ms = Round(OutageMath.Percentile(unaffectedOutages, 50)),
            unaffectedOutageMaxMs = Round(unaffectedOutages.Count == 0 ? null : unaffectedOutages.Max()),
            longestStallMaxMs = Round(windows.SelectMany(f => f.Rooms).Select(r => (double?)r.LongestStallMs).Max()),
            membersHit = windows.Sum(f => f.MembersHit),
            membersBackP50Ms = Round(OutageMath.Percentile(back, 50)),
            membersBackMaxMs = Round(back.Count == 0 ? null : back.Max()),
            membersNotBack = windows.Sum(f => f.MembersNotBack),
        };
    }

    public string ToJsonLine() => JsonSerializer.Serialize(new
    {
        scenario = Scenario,
        mode = Mode,
        nodes = Nodes,
        startedUtc = StartedUtc,
        faults = Summary(restarts: false),
        restarts = Summary(restarts: true),
        ackedWrites = Audit.AckedWrites,
        lost = Audit.Lost,
        misplaced = Audit.Misplaced,
        duplicatesInHistory = Audit.DuplicatesInHistory,
        ackedAtTwoOffsets = Audit.AckedAtTwoOffsets,
        historyHoles = Audit.HistoryHoles,
        conflictingOffsets = ConflictingOffsets,
        duplicateClientIdsSeenByMembers = DuplicateClientIdsSeenByMembers,
        memberGapMessages = MemberGapMessages,
        unrecoveredJoins = UnrecoveredJoins,
        epochChanges = EpochChanges,
        resends = Resends,
        pendingAtEnd = PendingAtEnd,
        closeCodes = CloseCodes,
        errors = Errors,
        connectFailures = ConnectFailures,
        leadersAtEnd = LeadersAtEnd,
        maxConcurrentLeaders = MaxConcurrentLeaders,
        nodesThatFormedNewClusterOnRestart = NodesThatFormedNewClusterOnRestart,
        lostExamples = Audit.Examples,
        windows = Faults.Select(f => new
        {
            kind = f.Kind,
            node = f.Node,
            atS = Math.Round(f.AtSeconds, 1),
            windowS = Math.Round(f.WindowSeconds, 1),
            stepMs = Round(f.StepMs),
            exitCode = f.ExitCode,
            rooms = f.Rooms.Select(r => new { room = r.Room, outageMs = Round(r.OutageMs), noAckInWindow = r.NoAckInWindow, stallMs = Round(r.LongestStallMs), affected = r.Affected }),
            membersHit = f.MembersHit,
            membersNotBack = f.MembersNotBack,
            membersBackP50Ms = Round(OutageMath.Percentile(f.MembersBackMs, 50)),
            membersBackMaxMs = Round(f.MembersBackMs.Count == 0 ? null : f.MembersBackMs.Max()),
        }),
        output = OutputDirectory,
    });

    public string ToTable()
    {
        var s = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        s.AppendLine(c, $"failover bench: scenario {Scenario}, mode {Mode}, {Nodes} nodes, started {StartedUtc}");
        s.AppendLine("window        node  at(s)  win(s)  step(ms)  rooms affected  outage p50/max affected (ms)  outage p50/max unaffected (ms)  longest stall (ms)  members hit  back p50/max (ms)  not back");
        foreach (var f in Faults)
        {
            var affected = f.Affected.Select(r => r.OutageMs).ToList();
            var unaffected = f.Unaffected.Select(r => r.OutageMs).ToList();
            // ">" marks a maximum that is a lower bound: some room had no new write acked before the next fault.
            var bound = f.Affected.Any(r => r.NoAckInWindow) ? ">" : "";
            s.AppendLine(c, $"{f.Kind,-12}  {f.Node,4}  {f.AtSeconds,5:F0}  {f.WindowSeconds,6:F0}  {Fmt(f.StepMs),8}  {f.Affected.Count(),5}/{f.Rooms.Count,-2}     {Fmt(OutageMath.Percentile(affected, 50)) + "/" + bound + Fmt(affected.Count == 0 ? null : affected.Max()),28}  {Pair(OutageMath.Percentile(unaffected, 50), unaffected.Count == 0 ? null : unaffected.Max()),30}  {Fmt(f.Rooms.Max(r => r.LongestStallMs)),18}  {f.MembersHit,11}  {Pair(OutageMath.Percentile(f.MembersBackMs, 50), f.MembersBackMs.Count == 0 ? null : f.MembersBackMs.Max()),17}  {f.MembersNotBack,8}");
        }

        s.AppendLine("(outage of a kill/term: until the first ack of a write made after it, followed to the next fault; \">\" = no such ack before it, a lower bound)");
        s.AppendLine(c, $"acked writes {Audit.AckedWrites}, lost {Audit.Lost}, misplaced {Audit.Misplaced}, duplicates in history {Audit.DuplicatesInHistory}, acked at two offsets {Audit.AckedAtTwoOffsets}, history holes {Audit.HistoryHoles}");
        s.AppendLine(c, $"conflicting offsets seen by clients {ConflictingOffsets}, duplicate clientIds seen by members {DuplicateClientIdsSeenByMembers}, member gap messages {MemberGapMessages}, unrecovered re-joins {UnrecoveredJoins}, epoch changes {EpochChanges}");
        s.AppendLine(c, $"resends {Resends}, writes still pending at end {PendingAtEnd}");
        s.AppendLine(c, $"close codes {Join(CloseCodes)}");
        s.AppendLine(c, $"errors {Join(Errors)}; connect failures {Join(ConnectFailures)}");
        s.AppendLine(c, $"leaders at end (= clusters) {LeadersAtEnd}; most leaders at one time during the run {MaxConcurrentLeaders}; nodes that formed a new cluster on restart: [{string.Join(",", NodesThatFormedNewClusterOnRestart)}]");
        foreach (var example in Audit.Examples)
        {
            s.AppendLine(c, $"  lost/misplaced: {example}");
        }

        s.AppendLine(c, $"output: {OutputDirectory}");
        return s.ToString();
    }

    private static string Join(IReadOnlyDictionary<string, int> counts) =>
        counts.Count == 0 ? "none" : string.Join(", ", counts.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key}:{kv.Value}")));

    private static string Fmt(double? ms) => ms is null ? "-" : ms.Value.ToString("F0", CultureInfo.InvariantCulture);

    private static string Pair(double? a, double? b) => $"{Fmt(a)}/{Fmt(b)}";

    private static double? Round(double? ms) => ms is null ? null : Math.Round(ms.Value, 1);
}
