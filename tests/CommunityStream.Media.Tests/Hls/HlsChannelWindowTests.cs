using System.Text;
using CommunityStream.Media.Hls;

namespace CommunityStream.Media.Tests.Hls;

public sealed class HlsChannelWindowTests
{
    private static readonly TimeSpan Part = TimeSpan.FromMilliseconds(450);

    [Fact]
    public void Should_start_segments_at_the_first_independent_part_at_or_after_the_target()
    {
        var window = new HlsChannelWindow("chan", "e1", SyntheticParts.Settings);
        var parts = new SyntheticParts(window, Part);
        window.InitSegment(SyntheticParts.Init(1));
        // GOPs of 1.35 s: the first reaching 2 s of segment is the second GOP's end, so segments hold two GOPs (2.7 s).
        for (var i = 0; i < 6; i++)
        {
            parts.Gop(3);
        }
        var playlist = HlsPlaylistRules.Parse(Text(window.Playlist(skip: false)!));
        Assert.Equal(4, playlist.TargetDuration);
        Assert.Equal([0L, 1, 2], playlist.Segments.Select(s => s.Msn));
        Assert.Equal([2.7, 2.7], playlist.Segments.Where(s => s.Duration is not null).Select(s => s.Duration!.Value));
        Assert.All(playlist.Segments, s => Assert.True(s.Parts[0].Independent));
        Assert.Empty(HlsPlaylistRules.Check(Text(window.Playlist(false)!)));
    }

    [Fact]
    public void Should_ask_for_a_keyframe_once_at_the_target_and_cut_without_one_at_the_hard_limit()
    {
        var asked = 0;
        var window = new HlsChannelWindow("chan", "e1", SyntheticParts.Settings, () => asked++);
        var parts = new SyntheticParts(window, Part);
        window.InitSegment(SyntheticParts.Init(1));
        // One endless GOP: asked when the segment reaches 2 s, cut at 3.5 s (2 x 2 s - 0.5 s) even without an IDR.
        parts.Next(independent: true);
        for (var i = 0; i < 4; i++)
        {
            parts.Next(independent: false);
        }
        Assert.Equal(0, asked);
        parts.Next(independent: false);
        Assert.Equal(1, asked);
        for (var i = 0; i < 4; i++)
        {
            parts.Next(independent: false);
        }
        Assert.Equal(1, asked);
        var playlist = HlsPlaylistRules.Parse(Text(window.Playlist(false)!));
        Assert.Equal(3.6, playlist.Segments[0].Duration);
        Assert.Equal(1, playlist.Segments[1].Msn);
        Assert.Empty(HlsPlaylistRules.Check(Text(window.Playlist(false)!)));
    }

    [Fact]
    public void Should_keep_a_bounded_window_of_at_least_six_complete_segments_and_the_retention()
    {
        var window = new HlsChannelWindow("chan", "e1", SyntheticParts.Settings with { Retain = TimeSpan.FromSeconds(10) });
        var parts = new SyntheticParts(window, Part);
        window.InitSegment(SyntheticParts.Init(1));
        for (var i = 0; i < 500; i++)
        {
            parts.Gop(5);
        }
        var playlist = HlsPlaylistRules.Parse(Text(window.Playlist(false)!));
        var complete = playlist.Segments.Where(s => s.Uri is not null).ToList();
        // 2 s segments: six of them are 12 s, above the 10 s retention; dropping one more would leave 10 s, still
        // enough, but never fewer than six complete segments.
        Assert.Equal(6, complete.Count);
        Assert.Equal(500 - 6 - 1 + 1, playlist.MediaSequence + 1);
        Assert.Null(window.FindSegment(0));
        Assert.NotNull(window.FindSegment(playlist.MediaSequence));
        Assert.Null(window.FindPart(0));
    }

    [Fact]
    public void Should_mark_a_new_init_segment_with_a_discontinuity_and_a_new_map()
    {
        var window = new HlsChannelWindow("chan", "e1", SyntheticParts.Settings);
        var parts = new SyntheticParts(window, Part);
        window.InitSegment(SyntheticParts.Init(1));
        parts.Gop(3);
        window.InitSegment(SyntheticParts.Init(2));
        parts.Gop(3);
        var text = Text(window.Playlist(false)!);
        Assert.Contains("#EXT-X-MAP:URI=\"init-e1-1.mp4\"", text, StringComparison.Ordinal);
        Assert.Contains("#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI=\"init-e1-2.mp4\"", text, StringComparison.Ordinal);
        Assert.Equal(2, HlsPlaylistRules.Parse(text).Segments.Count);
        Assert.Equal(SyntheticParts.Init(2), window.Init(2)!.Value.ToArray());
    }

    [Fact]
    public void Should_render_the_low_latency_tags_and_a_preload_hint_for_the_next_part()
    {
        var window = new HlsChannelWindow("chan", "e1", SyntheticParts.Settings);
        var parts = new SyntheticParts(window, Part);
        window.InitSegment(SyntheticParts.Init(1));
        parts.Gop(7);
        var text = Text(window.Playlist(false)!);
        Assert.StartsWith("#EXTM3U\n#EXT-X-VERSION:9\n#EXT-X-TARGETDURATION:4\n", text, StringComparison.Ordinal);
        Assert.Contains("#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,CAN-SKIP-UNTIL=24.0,PART-HOLD-BACK=1.500\n", text, StringComparison.Ordinal);
        Assert.Contains("#EXT-X-PART-INF:PART-TARGET=0.500\n", text, StringComparison.Ordinal);
        Assert.Contains("#EXT-X-PART:DURATION=0.450,URI=\"part-e1-0.m4s\",INDEPENDENT=YES\n", text, StringComparison.Ordinal);
        Assert.Contains("#EXT-X-PROGRAM-DATE-TIME:2026-12-07T05:00:00.000Z\n", text, StringComparison.Ordinal);
        Assert.EndsWith("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"part-e1-7.m4s\"\n", text, StringComparison.Ordinal);
        Assert.Empty(HlsPlaylistRules.Check(text));
    }

    [Fact]
    public void Should_skip_segments_older_than_the_skip_boundary_in_a_delta_update()
    {
        var window = new HlsChannelWindow("chan", "e1", SyntheticParts.Settings);
        var parts = new SyntheticParts(window, Part);
        window.InitSegment(SyntheticParts.Init(1));
        for (var i = 0; i < 30; i++)
        {
            parts.Gop(5);
        }
        var full = HlsPlaylistRules.Parse(Text(window.Playlist(false)!));
        var delta = HlsPlaylistRules.Parse(Text(window.Playlist(true)!));
        Assert.Equal(0, full.Skipped);
        Assert.True(delta.Skipped > 0);
        Assert.Equal(full.Segments[^1].Msn, delta.Segments[^1].Msn);
        Assert.Equal(full.Segments.Count, delta.Segments.Count + delta.Skipped);
        // What stays covers at least CAN-SKIP-UNTIL (24 s) of the end.
        Assert.True(delta.Segments.Sum(s => s.Duration ?? s.Parts.Sum(p => p.Duration)) >= 24);
    }

    [Fact]
    public void Should_end_with_an_endlist_and_without_a_preload_hint()
    {
        var window = new HlsChannelWindow("chan", "e1", SyntheticParts.Settings);
        var parts = new SyntheticParts(window, Part);
        window.InitSegment(SyntheticParts.Init(1));
        parts.Gop(3);
        window.End();
        parts.Gop(3);
        var playlist = HlsPlaylistRules.Parse(Text(window.Playlist(false)!));
        Assert.True(playlist.Ended);
        Assert.Null(playlist.PreloadHint);
        Assert.Single(playlist.Segments);
        Assert.Equal(1.35, playlist.Segments[0].Duration);
        Assert.Equal(HlsWaitResult.Ready, window.CheckPlaylist(5, 0));
        Assert.Equal(HlsWaitResult.Gone, window.CheckPart(3));
    }

    [Fact]
    public void Should_tell_blocking_requests_to_wait_answer_or_refuse_as_the_spec_says()
    {
        var window = new HlsChannelWindow("chan", "e1", SyntheticParts.Settings);
        var parts = new SyntheticParts(window, Part);
        window.InitSegment(SyntheticParts.Init(1));
        Assert.Equal(HlsWaitResult.Wait, window.CheckPlaylist(0, 0));
        parts.Gop(3);
        Assert.Equal(HlsWaitResult.Ready, window.CheckPlaylist(0, 2));
        Assert.Equal(HlsWaitResult.Wait, window.CheckPlaylist(0, 3));
        Assert.Equal(HlsWaitResult.Wait, window.CheckPlaylist(0, null));
        // §6.2.5.2: more than two after the last Media Segment (none is complete yet: the one before 0) is refused.
        Assert.Equal(HlsWaitResult.Wait, window.CheckPlaylist(1, 0));
        Assert.Equal(HlsWaitResult.TooFar, window.CheckPlaylist(2, 0));
        Assert.Equal(HlsWaitResult.Ready, window.CheckPart(2));
        Assert.Equal(HlsWaitResult.Wait, window.CheckPart(3));
        Assert.Equal(HlsWaitResult.Gone, window.CheckPart(4));
        parts.Next(independent: false);
        parts.Next(independent: false);
        parts.Gop(1);
        // Segment 0 (2 s) is complete once segment 1 started.
        Assert.Equal(HlsWaitResult.Ready, window.CheckPlaylist(0, null));
        Assert.Equal(HlsWaitResult.Ready, window.CheckPlaylist(0, 7));
    }

    [Fact]
    public void Should_refuse_parts_beyond_the_advance_part_limit_and_msns_beyond_the_last_media_segment_plus_two()
    {
        var window = new HlsChannelWindow("chan", "e1", SyntheticParts.Settings);
        var parts = new SyntheticParts(window, Part);
        window.InitSegment(SyntheticParts.Init(1));
        parts.Gop(3);
        // PART-TARGET 0.5 s: the Advance Part Limit is 3 / 0.5 = 6 parts beyond the last (part 2 of segment 0).
        Assert.Equal(6, SyntheticParts.Settings.AdvancePartLimit);
        Assert.Equal(HlsWaitResult.Wait, window.CheckPlaylist(0, 8));
        Assert.Equal(HlsWaitResult.TooFar, window.CheckPlaylist(0, 9));
        Assert.Equal(HlsWaitResult.Wait, window.CheckPlaylist(1, 5));
        Assert.Equal(HlsWaitResult.TooFar, window.CheckPlaylist(1, 6));
        for (var i = 0; i < 6; i++)
        {
            parts.Gop(3);
        }
        // Live segment 3 (segments of two 1.2 s GOPs): the last Media Segment is 2, so 4 is the furthest allowed.
        Assert.Equal(3, HlsPlaylistRules.Parse(Text(window.Playlist(false)!)).Segments[^1].Msn);
        Assert.Equal(HlsWaitResult.Wait, window.CheckPlaylist(4, 0));
        Assert.Equal(HlsWaitResult.TooFar, window.CheckPlaylist(5, 0));
        Assert.Equal(3, new HlsWindowSettings(TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30)).AdvancePartLimit);
    }

    [Fact]
    public void Should_ignore_skip_once_the_playlist_has_an_endlist()
    {
        var window = new HlsChannelWindow("chan", "e1", SyntheticParts.Settings);
        var parts = new SyntheticParts(window, Part);
        window.InitSegment(SyntheticParts.Init(1));
        for (var i = 0; i < 40; i++)
        {
            parts.Gop(3);
        }
        Assert.Contains("#EXT-X-SKIP", Text(window.Playlist(skip: true)!), StringComparison.Ordinal);
        window.End();
        // RFC 8216bis §6.2.5.1: the ended playlist is the full one, skip or not.
        Assert.Equal(Text(window.Playlist(skip: false)!), Text(window.Playlist(skip: true)!));
        Assert.DoesNotContain("#EXT-X-SKIP", Text(window.Playlist(skip: true)!), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_never_go_back_in_msns_from_one_run_of_a_channel_to_the_next()
    {
        var settings = SyntheticParts.Settings;
        var start = new DateTimeOffset(2026, 12, 7, 6, 0, 0, 500, TimeSpan.Zero);
        var answered = new HashSet<long>();
        long lastOfRun = 0;
        for (var run = 0; run < 3; run++)
        {
            // Each run lasts 20 s of media and the next starts at once (a publisher reconnecting).
            var window = new HlsChannelWindow("chan", $"e{run}", settings, firstMsn: settings.FirstMsn(start));
            var parts = new SyntheticParts(window, Part);
            window.InitSegment(SyntheticParts.Init(1));
            for (var i = 0; i < 50; i++)
            {
                parts.Next(independent: i % 3 == 0);
            }
            var playlist = HlsPlaylistRules.Parse(Text(window.Playlist(false)!));
            var first = playlist.MediaSequence;
            Assert.True(run == 0 || first > lastOfRun, $"run {run} starts at MSN {first}, the previous ended at {lastOfRun}");
            // Every (msn, part) a live run answers (Ready) is new: no earlier run answered it.
            for (var msn = first; msn <= playlist.Segments[^1].Msn + 1; msn++)
            {
                for (var part = 0; part < 12; part++)
                {
                    if (window.CheckPlaylist(msn, part) == HlsWaitResult.Ready)
                    {
                        Assert.True(answered.Add((msn << 8) | (long)part), $"MSN {msn} part {part} answered by two runs");
                    }
                }
            }
            lastOfRun = playlist.Segments[^1].Msn;
            window.End();
            start += TimeSpan.FromSeconds(20);
        }
    }

    [Fact]
    public void Should_drop_a_part_over_the_byte_cap_and_what_depends_on_it_until_a_keyframe()
    {
        var asked = 0;
        var window = new HlsChannelWindow("chan", "e1", SyntheticParts.Settings with { MaxPartBytes = 5000 }, () => asked++);
        var parts = new SyntheticParts(window, Part);
        window.InitSegment(SyntheticParts.Init(1));
        parts.Gop(3);
        parts.Next(independent: false, length: 5001);
        parts.Next(independent: false);
        Assert.Equal(2, window.PartsDropped);
        Assert.Equal(1, asked);
        Assert.Equal(3, window.NextPartNumber);
        parts.Gop(2);
        var text = Text(window.Playlist(false)!);
        // The keyframe starts a segment behind a discontinuity (its timeline jumped over the dropped parts).
        Assert.Equal(1, HlsPlaylistRules.Parse(text).Segments[^1].Msn);
        Assert.Contains("#EXT-X-DISCONTINUITY\n", text, StringComparison.Ordinal);
        Assert.Equal(5, window.NextPartNumber);
    }

    [Fact]
    public void Should_drop_the_oldest_segments_early_when_the_window_is_over_its_byte_cap()
    {
        var window = new HlsChannelWindow("chan", "e1", SyntheticParts.Settings with { MaxWindowBytes = 20_000 });
        var parts = new SyntheticParts(window, Part);
        window.InitSegment(SyntheticParts.Init(1));
        for (var i = 0; i < 40; i++)
        {
            parts.Gop(3);
        }
        // 1,000-byte parts, six per segment: 20 kB keep three segments (the retention alone would keep more than six).
        Assert.InRange(window.Bytes, 1, 20_000);
        var playlist = HlsPlaylistRules.Parse(Text(window.Playlist(false)!));
        Assert.InRange(playlist.Segments.Count, 2, HlsWindowSettings.MinSegments - 1);
        Assert.Null(window.FindSegment(playlist.MediaSequence - 1));
        Assert.NotNull(window.Init(1));
    }

    [Fact]
    public async Task Should_release_held_requests_at_once_when_a_mirror_is_abandoned()
    {
        var window = new HlsChannelWindow("chan", "e1", SyntheticParts.Settings);
        var parts = new SyntheticParts(window, Part);
        window.InitSegment(SyntheticParts.Init(1));
        parts.Gop(2);
        var held = window.WaitAsync(w => w.CheckPart(2), TimeSpan.FromMinutes(5), CancellationToken.None);
        Assert.False(held.IsCompleted);
        window.Abandon();
        Assert.Equal(HlsWaitResult.Wait, await held.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.False(window.Ended);
    }

    [Fact]
    public async Task Should_release_a_waiting_request_when_its_part_is_written_and_time_out_otherwise()
    {
        var window = new HlsChannelWindow("chan", "e1", SyntheticParts.Settings);
        var parts = new SyntheticParts(window, Part);
        window.InitSegment(SyntheticParts.Init(1));
        parts.Gop(2);
        var waiting = window.WaitAsync(w => w.CheckPlaylist(0, 3), TimeSpan.FromSeconds(30), CancellationToken.None);
        var preload = window.WaitAsync(w => w.CheckPart(2), TimeSpan.FromSeconds(30), CancellationToken.None);
        parts.Next(independent: false);
        Assert.Equal(HlsWaitResult.Ready, await preload.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(waiting.IsCompleted);
        parts.Next(independent: false);
        Assert.Equal(HlsWaitResult.Ready, await waiting.WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal(HlsWaitResult.Wait, await window.WaitAsync(w => w.CheckPlaylist(1, 0), TimeSpan.FromMilliseconds(50), CancellationToken.None));
        var ending = window.WaitAsync(w => w.CheckPlaylist(1, 0), TimeSpan.FromSeconds(30), CancellationToken.None);
        window.End();
        Assert.Equal(HlsWaitResult.Ready, await ending.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void Should_rebuild_the_same_playlist_in_a_mirror_from_a_snapshot_and_the_events_after_it()
    {
        var origin = new HlsChannelWindow("chan", "e1", SyntheticParts.Settings with { Retain = TimeSpan.FromSeconds(12) });
        var parts = new SyntheticParts(origin, Part);
        origin.InitSegment(SyntheticParts.Init(1));
        for (var i = 0; i < 20; i++)
        {
            parts.Gop(5);
        }
        parts.Next(independent: false);
        HlsChannelWindow? mirror = null;
        using var assembler = new HlsWireAssembler();
        var received = new List<HlsWindowEvent>();
        using var subscription = origin.Subscribe(change =>
        {
            received.Add(change);
            // Through the wire form, as between nodes.
            foreach (var chunk in HlsWireCodec.Encode(change))
            {
                switch (assembler.Add(chunk))
                {
                    case HlsWindowBegin begin:
                        mirror = new HlsChannelWindow("chan", begin);
                        break;
                    case { } decoded:
                        mirror!.Apply(decoded);
                        break;
                }
            }
        });
        // The snapshot ends with its marker (a mirror node serves requests only from then on).
        Assert.IsType<HlsSnapshotSent>(received[^1]);
        Assert.Single(received, e => e is HlsSnapshotSent);
        Assert.Equal(origin.Playlist(false)!.Body, mirror!.Playlist(false)!.Body);
        origin.InitSegment(SyntheticParts.Init(2));
        for (var i = 0; i < 10; i++)
        {
            parts.Gop(5);
        }
        parts.Next(independent: false, length: 300_000);
        Assert.Equal(Text(origin.Playlist(false)!), Text(mirror.Playlist(false)!));
        Assert.Equal(Text(origin.Playlist(true)!), Text(mirror.Playlist(true)!));
        var last = origin.NextPartNumber - 1;
        Assert.Equal(origin.FindPart(last)!.Part.Bytes.ToArray(), mirror.FindPart(last)!.Part.Bytes.ToArray());
        origin.End();
        Assert.True(mirror.Ended);
        Assert.Equal(Text(origin.Playlist(false)!), Text(mirror.Playlist(false)!));
    }

    private static string Text(HlsPlaylistWriter.Rendered rendered) => Encoding.ASCII.GetString(rendered.Body);
}
