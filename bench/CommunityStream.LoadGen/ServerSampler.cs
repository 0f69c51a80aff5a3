using System.Globalization;

namespace CommunityStream.LoadGen;

/// <summary>RSS and CPU time of the server processes, read from /proc (summed over several pids).</summary>
internal static class ServerSampler
{
    /// <summary>USER_HZ: /proc/PID/stat reports times in clock ticks of 1/100 s on Linux.</summary>
    private const double TicksPerSecond = 100;

    public static ServerSample Sample(IReadOnlyList<int> pids)
    {
        long rss = 0;
        double cpu = 0;
        var alive = 0;
        foreach (var pid in pids)
        {
            try
            {
                foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                {
                    if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    {
                        rss += long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                    }
                }

                cpu += CpuSeconds(File.ReadAllText($"/proc/{pid}/stat"));
                alive++;
            }
            catch (IOException)
            {
                // The process is gone: it contributes nothing, and `alive` says so.
            }
        }

        return new ServerSample(rss, cpu, alive);
    }

    /// <summary>utime + stime (fields 14 and 15) of a /proc/PID/stat line; the command may contain spaces, so fields count from the last ')'.</summary>
    internal static double CpuSeconds(string stat)
    {
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // fields[0] is field 3 (state); utime is field 14, stime field 15.
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
    }
}

/// <summary>One reading: resident set in KiB, CPU seconds since process start, processes found.</summary>
internal readonly record struct ServerSample(long RssKiB, double CpuSeconds, int Alive);
