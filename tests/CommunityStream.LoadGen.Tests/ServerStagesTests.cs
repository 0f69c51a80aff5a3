namespace CommunityStream.LoadGen.Tests;

/// <summary>The server's stage histograms read from two Prometheus scrapes: the window's counts and quantiles.</summary>
public sealed class ServerStagesTests
{
    private const string Before = """
        # TYPE communitystream_chat_stage_persist_seconds histogram
        communitystream_chat_stage_persist_seconds_bucket{otel_scope_name="CommunityStream.Chat",le="0.001"} 10 1733550000000
        communitystream_chat_stage_persist_seconds_bucket{otel_scope_name="CommunityStream.Chat",le="0.002"} 10 1733550000000
        communitystream_chat_stage_persist_seconds_bucket{otel_scope_name="CommunityStream.Chat",le="0.005"} 10 1733550000000
        communitystream_chat_stage_persist_seconds_bucket{otel_scope_name="CommunityStream.Chat",le="+Inf"} 10 1733550000000
        communitystream_chat_stage_persist_seconds_sum{otel_scope_name="CommunityStream.Chat"} 0.005 1733550000000
        communitystream_chat_stage_persist_seconds_count{otel_scope_name="CommunityStream.Chat"} 10 1733550000000
        communitystream_chat_sends_total{otel_scope_name="CommunityStream.Chat"} 99 1733550000000
        """;

    // 100 more: 50 under 1 ms, 40 in (1, 2] ms, 9 in (2, 5] ms, 1 over 5 ms.
    private const string After = """
        communitystream_chat_stage_persist_seconds_bucket{otel_scope_name="CommunityStream.Chat",le="0.001"} 60
        communitystream_chat_stage_persist_seconds_bucket{otel_scope_name="CommunityStream.Chat",le="0.002"} 100
        communitystream_chat_stage_persist_seconds_bucket{otel_scope_name="CommunityStream.Chat",le="0.005"} 109
        communitystream_chat_stage_persist_seconds_bucket{otel_scope_name="CommunityStream.Chat",le="+Inf"} 110
        communitystream_chat_stage_persist_seconds_sum{otel_scope_name="CommunityStream.Chat"} 0.205
        communitystream_chat_stage_persist_seconds_count{otel_scope_name="CommunityStream.Chat"} 110
        communitystream_journal_transaction_writes_bucket{otel_scope_name="CommunityStream.Journal",le="1"} 3
        communitystream_journal_transaction_writes_bucket{otel_scope_name="CommunityStream.Journal",le="+Inf"} 3
        communitystream_journal_transaction_writes_count{otel_scope_name="CommunityStream.Journal"} 3
        communitystream_journal_transaction_writes_sum{otel_scope_name="CommunityStream.Journal"} 3
        """;

    [Fact]
    public void Should_report_what_the_window_added_with_quantiles_inside_their_buckets()
    {
        var window = ServerStages.Parse(After)["communitystream_chat_stage_persist_seconds"].Minus(ServerStages.Parse(Before)["communitystream_chat_stage_persist_seconds"]);

        var figures = window.ToFigures(seconds: true);

        Assert.Equal(100, figures.Count);
        Assert.Equal("ms", figures.Unit);
        Assert.Equal(2.0, figures.Mean);
        Assert.Equal(1.0, figures.P50);
        Assert.Equal(2.0, figures.P90);
        Assert.Equal(5.0, figures.P99);
    }

    [Fact]
    public void Should_keep_only_the_stage_and_journal_histograms_and_count_units_as_they_are()
    {
        var scrape = ServerStages.Parse(After);

        Assert.Equal(["communitystream_chat_stage_persist_seconds", "communitystream_journal_transaction_writes"], scrape.Keys.Order());
        var writes = scrape["communitystream_journal_transaction_writes"].ToFigures(seconds: false);
        Assert.Equal(("1", 3L, 0.99), (writes.Unit, writes.Count, writes.P99));
    }

    [Fact]
    public void Should_give_the_last_finite_bound_for_a_quantile_in_the_overflow_bucket_and_zero_for_an_empty_window()
    {
        var scrape = ServerStages.Parse(After)["communitystream_chat_stage_persist_seconds"];

        Assert.Equal(0.005, scrape.Quantile(0.9999));
        Assert.Equal(0, new ServerStages.Buckets().Quantile(0.5));
    }
}
