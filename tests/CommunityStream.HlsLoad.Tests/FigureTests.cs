using System.Diagnostics;

namespace CommunityStream.HlsLoad.Tests;

public sealed class FigureTests
{
    [Fact]
    public void Percentiles_are_nearest_rank()
    {
        var p = Percentiles.Of(Enumerable.Range(1, 100).Select(i => (double)i).Reverse());
        Assert.Equal(new Percentiles(100, 50, 95, 99, 100), p);
        Assert.Equal(new Percentiles(1, 7, 7, 7, 7), Percentiles.Of([7]));
        Assert.Equal(Percentiles.Empty, Percentiles.Of([]));
        // 10 values: p95 and p99 are the 10th (ceil 9.5, ceil 9.9).
        Assert.Equal(10, Percentiles.Of(Enumerable.Range(1, 10).Select(i => (double)i)).P95);
    }

    [Fact]
    public void Cpu_comes_from_utime_and_stime_even_with_spaces_in_the_command()
    {
        const string stat = "4242 (dotnet host x) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 75 0 0 20 0 30 0 100 1000 100";
        Assert.Equal(3.25, ServerCpu.CpuSeconds(stat));
        Assert.Equal(50, ServerCpu.PercentOfCore(5, 10));
        Assert.Equal(0, ServerCpu.PercentOfCore(5, 0));
        // 60 % of a core with 2000 clients over a 10 % baseline: 50 % for 2000 clients, 2.5 % per 100.
        Assert.Equal(2.5, ServerCpu.PercentPer100Clients(60, 10, 2000), 6);
        Assert.Equal(0, ServerCpu.PercentPer100Clients(5, 10, 2000));
        Assert.Equal(0, ServerCpu.PercentPer100Clients(60, 10, 0));
    }

    [Fact]
    public void The_fan_out_spread_is_each_arrival_minus_the_parts_first()
    {
        var ms = Stopwatch.Frequency / 1000;
        var spread = HlsLoadResult.Spread(
        [
            (1, 0, 100 * ms), (1, 0, 103 * ms), (1, 0, 110 * ms),
            (1, 1, 500 * ms), (1, 1, 500 * ms),
        ]).Order().ToArray();
        Assert.Equal([0, 0, 0, 3, 10], spread.Select(s => Math.Round(s)).ToArray());
    }

    [Fact]
    public void Origin_requests_are_the_log_lines_that_went_upstream_inside_the_window()
    {
        string[] log =
        [
            "1000.000 MISS /hls/a/index.m3u8?_HLS_msn=1&_HLS_part=0 127.0.0.1:8080",
            "1000.100 HIT /hls/a/index.m3u8?_HLS_msn=1&_HLS_part=0 -",
            "1000.200 - /hls/a/index.m3u8?_HLS_msn=1&_HLS_part=0 -",
            "1000.300 MISS /hls/a/1.0.m4s 127.0.0.1:8080",
            "1000.400 EXPIRED /hls/a/init.mp4 127.0.0.1:8080, 127.0.0.1:8081",
            "1000.500 MISS /hls/a/other 127.0.0.1:8080",
            "1010.000 MISS /hls/a/2.0.m4s 127.0.0.1:8080",
            "garbage",
            "",
        ];
        var counts = OriginLog.Count(log, DateTimeOffset.FromUnixTimeMilliseconds(1_000_000), DateTimeOffset.FromUnixTimeMilliseconds(1_005_000));
        Assert.Equal(new OriginCounts(4, 1, 2, 1, 2), counts);
        Assert.Equal(2, counts.PerPart(2));
        Assert.Equal(0, counts.PerPart(0));
    }

    [Theory]
    [InlineData("--clients", "20000")]
    [InlineData("--clients", "-1")]
    [InlineData("--duration", "0")]
    [InlineData("--duration", "601")]
    [InlineData("--url", "ftp://127.0.0.1/x.m3u8")]
    [InlineData("--bogus", "1")]
    public void Options_out_of_bounds_are_refused(string name, string value) =>
        Assert.ThrowsAny<ArgumentException>(() => HlsLoadOptions.Parse([name, value]));

    [Fact]
    public void Options_default_to_2000_clients_and_parse_pids()
    {
        var o = HlsLoadOptions.Parse(["--server-pid", "12,34", "--no-parts"]);
        Assert.Equal(2000, o.Clients);
        Assert.Equal([12, 34], o.ServerPids);
        Assert.False(o.FetchParts);
    }
}
