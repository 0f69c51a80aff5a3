using System.Text.RegularExpressions;

namespace CommunityStream.Capacity.Tests;

/// <summary>
/// docs/capacity.md's tables are the calculator's output: each table sits between
/// <c>&lt;!-- capacity-table: OPTIONS --&gt;</c> and <c>&lt;!-- /capacity-table --&gt;</c>, and the calculator run with
/// OPTIONS must print it exactly, so the doc and the tool cannot drift apart.
/// </summary>
public sealed partial class CapacityDocTests
{
    [Fact]
    public void Should_reproduce_every_table_of_the_capacity_doc()
    {
        var doc = File.ReadAllText(DocPath()).ReplaceLineEndings("\n");
        var tables = TableMarker().Matches(doc);

        Assert.True(tables.Count >= 2, "docs/capacity.md shows the default mix and an LL-HLS variant");
        Assert.Contains(tables, t => t.Groups["options"].Value.Trim().Length == 0);
        foreach (Match table in tables)
        {
            var options = table.Groups["options"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var mix = MixOptions.Parse(options);
            Assert.Equal(CapacityTable.Render(mix, CapacityModel.Plan(mix)), table.Groups["table"].Value);
        }
    }

    [Fact]
    public void Should_plan_the_default_mix_from_the_unit_figures()
    {
        var plan = CapacityModel.Plan(new TrafficMix());

        // 4 channels × 20 msg/s × 20,000 members + 1,000 rooms × 0.5 msg/s × 20 members.
        Assert.Equal(1_610_000, plan.DeliveriesPerSecond);
        Assert.Equal(1_610_000 / UnitFigures.ChatDeliveriesPerCoreSecond / UnitFigures.ChatCoreUtilisation, plan.ChatCores, 6);
        // 100,000 viewers × 320 packets/s × 3.1 µs at half a core.
        Assert.Equal(100_000 * 320 * 3.1e-6 / 0.5, plan.ViewerCores, 6);
        Assert.True(plan.Nodes * 16 >= plan.TotalCores, "the nodes hold the cores");
    }

    [Fact]
    public void Should_take_WebRTC_viewers_off_the_nodes_when_they_move_to_LL_HLS()
    {
        var webRtc = CapacityModel.Plan(new TrafficMix());
        var hls = CapacityModel.Plan(new TrafficMix { HlsShare = 0.5 });

        Assert.Equal(40_000, hls.HlsViewers);
        Assert.True(hls.ViewerEgressGbps < webRtc.ViewerEgressGbps * 0.65);
        Assert.True(hls.Nodes < webRtc.Nodes);
        Assert.Equal(webRtc.ChatCores, hls.ChatCores);
    }

    [Theory]
    [InlineData("--users", "many")]
    [InlineData("--hls-share", "1.5")]
    [InlineData("--colour", "blue")]
    [InlineData("--users", null)]
    public void Should_refuse_a_bad_option_naming_it(string name, string? value)
    {
        string[] args = value is null ? [name] : [name, value];

        var error = Assert.Throws<FormatException>(() => MixOptions.Parse(args));

        Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }

    private static string DocPath()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "docs", "capacity.md");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException("docs/capacity.md above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"<!-- capacity-table:(?<options>[^>]*)-->\n(?<table>.*?)<!-- /capacity-table -->", RegexOptions.Singleline)]
    private static partial Regex TableMarker();
}
