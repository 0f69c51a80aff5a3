namespace CommunityStream.LoadGen;

/// <summary>
/// The phases of a run, as offsets from its start, all inside <c>--duration</c>: connecting (at most
/// 60 % of it), publishing until the drain, then holding until the close allowance at the end. Parent
/// and child processes compute the same schedule, so the parent samples the server while children hold.
/// </summary>
internal sealed record RunSchedule(TimeSpan RampDeadline, TimeSpan PublishEnd, TimeSpan HoldEnd, TimeSpan Total)
{
    public static RunSchedule For(double durationSeconds)
    {
        var total = TimeSpan.FromSeconds(durationSeconds);
        var closeAllowance = TimeSpan.FromSeconds(Math.Clamp(durationSeconds * 0.15, 0.5, 5));
        var drain = TimeSpan.FromSeconds(Math.Clamp(durationSeconds * 0.1, 0.5, 3));
        var holdEnd = total - closeAllowance;
        return new RunSchedule(total * 0.6, holdEnd - drain, holdEnd, total);
    }
}
