using System.Globalization;
using System.Text;

namespace CommunityStream.Failover;

/// <summary>
/// The run's raw observations next to the node logs (never in the repository): faults, every ack, and each member's
/// events and receive gaps, all in monotonic seconds since the bench started.
/// </summary>
internal static class RawOutput
{
    public static async Task WriteAsync(string directory, IReadOnlyList<FaultEvent> faults, IReadOnlyList<AckRecord> acks, IReadOnlyList<MemberTimeline> members)
    {
        var c = CultureInfo.InvariantCulture;
        var f = new StringBuilder("kind,node,at_s,done_s,window_end_s,outage_end_s,step_ms,exit_code\n");
        foreach (var fault in faults)
        {
            f.AppendLine(c, $"{fault.Kind},{fault.Node},{fault.At / 1000:F3},{fault.DoneAt / 1000:F3},{fault.WindowEnd / 1000:F3},{fault.OutageEnd / 1000:F3},{fault.StepMs:F0},{fault.ExitCode}");
        }

        await File.WriteAllTextAsync(Path.Combine(directory, "faults.csv"), f.ToString());

        var a = new StringBuilder("room,offset,client_id,created_s,acked_s,duplicate\n");
        foreach (var ack in acks.OrderBy(x => x.AckedAt))
        {
            a.AppendLine(c, $"{ack.Room},{ack.Offset},{ack.ClientId},{ack.CreatedAt / 1000:F3},{ack.AckedAt / 1000:F3},{ack.Duplicate}");
        }

        await File.WriteAllTextAsync(Path.Combine(directory, "acks.csv"), a.ToString());

        var m = new StringBuilder();
        foreach (var member in members)
        {
            var receives = member.Receives;
            m.AppendLine(c, $"room {member.Room} member {member.Index}: {receives.Count} messages, last at {(receives.Count > 0 ? receives[^1] / 1000 : 0):F3} s");
            var gaps = receives.Zip(receives.Skip(1)).Where(p => p.Second - p.First > 1000).Select(p => string.Create(c, $"{p.First / 1000:F1}-{p.Second / 1000:F1}"));
            m.AppendLine(c, $"  receive gaps > 1 s: {string.Join(" ", gaps)}");
            foreach (var (at, what) in member.Events)
            {
                m.AppendLine(c, $"  {at / 1000:F3} {what}");
            }
        }

        await File.WriteAllTextAsync(Path.Combine(directory, "members.txt"), m.ToString());
    }
}
