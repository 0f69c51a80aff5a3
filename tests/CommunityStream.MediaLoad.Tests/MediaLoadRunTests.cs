using CommunityStream.MediaLoad.Tests.Support;

namespace CommunityStream.MediaLoad.Tests;

/// <summary>The whole generator against the in-process WHIP/WHEP stand-in over real loopback HTTP and UDP.</summary>
[Collection(LoopbackRuns.Name)]
public sealed class MediaLoadRunTests
{
    [Fact]
    public async Task Should_publish_view_verify_and_tear_down_through_a_loopback_sfu()
    {
        await using var sfu = await LoopbackSfu.StartAsync();
        var options = Options(sfu, LoopbackSfu.StreamKey, viewers: 4, verify: 2, duration: 12);

        var result = await new MediaLoadRun(options, TextWriter.Null).RunAsync(CancellationToken.None);

        Assert.Null(result.PublisherFailure);
        Assert.Empty(result.ViewerFailures);
        Assert.Equal(4, result.ViewersStarted);
        Assert.Equal(4, result.ViewersConnected);
        Assert.Equal(4, result.ViewersHeld);
        // The two count-only viewers connected (ICE, DTLS) and received through the shared poller, not async loops.
        Assert.StartsWith("2 viewers swept every 10 ms", result.ReceivePath);
        Assert.True(sfu.PacketsFromPublisher > 0, "the SFU received no media");
        Assert.True(result.ViewerPackets > 0, "viewers received no media");
        Assert.Equal(2, result.VerifiedViewers);
        Assert.True(result.VerifiedPackets > 0);
        Assert.Equal(0, result.AuthFailures);
        // The window's loss is a part of the whole run's.
        Assert.InRange(result.WindowLost, 0, result.ViewerLost);
        Assert.InRange(result.WindowLossFraction, 0, 1);
        Assert.True(result.Delay.Count > 0, "no forwarding delay recorded");
        // Kernel arrival comes before the generator reads the datagram, so its delay is never the larger one.
        Assert.Equal(result.Delay.Count, result.SocketDelay.Count);
        Assert.InRange(result.SocketDelay.P50Us, 0, result.Delay.P50Us);
        Assert.InRange(result.SocketDelay.MaxUs, 0, result.Delay.MaxUs);
        Assert.True(result.KeyframesSeenByVerified > 0, "no keyframe reached a verifying viewer");
        // Checks every 5 s within a 12 s run: every peer was asked at least once and answered.
        Assert.True(result.ConsentResponses >= 5, $"consent responses {result.ConsentResponses}");
        Assert.Equal(5, result.DeleteOutcomes.GetValueOrDefault("ok"));
        Assert.Equal(5, sfu.Deletes);
    }

    [Fact]
    public async Task Should_cut_coalesced_gso_messages_into_the_datagrams_they_carry_when_reading_with_gro()
    {
        await using var sfu = await LoopbackSfu.StartAsync(coalesce: true);
        var options = Options(sfu, LoopbackSfu.StreamKey, viewers: 3, verify: 1, duration: 10);
        options.Gro = true;

        var result = await new MediaLoadRun(options, TextWriter.Null).RunAsync(CancellationToken.None);

        Assert.Empty(result.ViewerFailures);
        Assert.Equal(3, result.ViewersHeld);
        Assert.True(sfu.Coalesced > 0, "the stand-in sent no GSO message");
        // The polled viewers got GSO messages whole and cut them: wrong cuts would show as loss, reorder or silence.
        Assert.True(result.ReceiveCoalesced > 0, result.ReceivePath);
        Assert.True(result.ViewerPackets > 0, "viewers received no media");
        Assert.Equal(0, result.ViewerLost);
        Assert.Equal(0, result.ViewerReordered);
        Assert.Equal(0, result.AuthFailures);
    }

    [Fact]
    public async Task Should_report_a_refused_stream_key_and_start_no_viewers()
    {
        await using var sfu = await LoopbackSfu.StartAsync();
        var options = Options(sfu, "sk_wrong", viewers: 3, verify: 1, duration: 5);

        var result = await new MediaLoadRun(options, TextWriter.Null).RunAsync(CancellationToken.None);

        Assert.Equal("WHIP http-401", result.PublisherFailure);
        Assert.Equal(0, result.ViewersStarted);
    }

    [Fact]
    public async Task Should_keep_viewers_past_the_servers_consent_timeout_by_refreshing_consent()
    {
        // The stand-in closes sessions after 7 s without a check; the generator checks every 5 s.
        await using var sfu = await LoopbackSfu.StartAsync(consentTimeout: TimeSpan.FromSeconds(7));
        var options = Options(sfu, LoopbackSfu.StreamKey, viewers: 2, verify: 1, duration: 14);

        var result = await new MediaLoadRun(options, TextWriter.Null).RunAsync(CancellationToken.None);

        Assert.Null(result.PublisherFailure);
        Assert.Equal(2, result.ViewersHeld);
    }

    private static MediaLoadOptions Options(LoopbackSfu sfu, string streamKey, int viewers, int verify, double duration) => new()
    {
        Server = sfu.Url,
        Channel = "loopback",
        StreamKey = streamKey,
        Viewers = viewers,
        VerifySample = verify,
        RampRate = 20,
        Duration = duration,
        Warmup = 1,
        Bitrate = 500_000,
        ConnectTimeout = 30,
    };
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LoopbackRuns
{
    public const string Name = "Loopback generator runs";
}
