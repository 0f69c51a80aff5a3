using System.Globalization;

namespace CommunityStream.HlsLoad;

/// <summary>CPU time of the server processes from /proc (summed over several pids), and the figures made of it.</summary>
internal static class ServerCpu
{
    /// <summary>USER_HZ: /proc/PID/stat reports times in clock ticks of 1/100 s on Linux.</summary>
    private const double TicksPerSecond = 100;

    public static double SecondsOf(IReadOnlyList<int> pids)
    {
        double total = 0;
        foreach (var pid in pids)
        {
            try
            {
                total += CpuSeconds(File.ReadAllText($"/proc/{pid}/stat"));
            }
            catch (IOException)
            {
                // Gone: it adds nothing.
            }
        }
        return total;
    }

    /// <summary>utime + stime (fields 14 and 15) of a /proc/PID/stat line; the command may contain spaces, so fields count from the last ')'.</summary>
    internal static double CpuSeconds(string stat)
    {
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // After ")": field 3 is at index 0, so utime (14) is index 11 and stime (15) index 12.
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
    }

    /// <summary>Percent of one core over the window.</summary>
    public static double PercentOfCore(double cpuSeconds, double wallSeconds) => wallSeconds <= 0 ? 0 : cpuSeconds / wallSeconds * 100;

    /// <summary>The clients' share of the server's CPU (above the publisher-only baseline), per 100 clients, in percent of a core.</summary>
    public static double PercentPer100Clients(double percentOfCore, double baselinePercent, int clients) =>
        clients <= 0 ? 0 : Math.Max(0, percentOfCore - baselinePercent) * 100 / clients;
}
