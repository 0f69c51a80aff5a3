using Akka.Actor;
using CommunityStream.Media.Hls.Packaging;
using CommunityStream.Media.Sessions;
using CommunityStream.Media.Signalling;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CommunityStream.Media.Hls;

/// <summary>
/// Starts a channel's LL-HLS output on the publisher's node when its publisher goes live (called by the
/// <see cref="PublisherSessionActor"/>): with H.264 video, a packager fed from the fan-out's hub and a window in
/// <see cref="HlsChannels"/>; with VP8 or VP9, an entry that says why the channel has no HLS. Disposing the returned
/// handle (the publisher left) ends the playlist (EXT-X-ENDLIST), and the entry goes after
/// <see cref="HlsOptions.EndedGraceSeconds"/>.
/// </summary>
internal sealed partial class HlsPackaging(
    HlsChannels channels, IOptions<StreamingOptions> options, HlsPackagerFactory packagers, MediaServer server, ILogger<HlsPackaging> logger)
{

    private readonly HlsOptions _options = options.Value.Hls;

    public bool Enabled => _options.Enabled;

    /// <summary>The window timing of channels packaged here.</summary>
    public HlsWindowSettings Settings { get; } = HlsWindowSettings.Default with
    {
        SegmentTarget = TimeSpan.FromMilliseconds(options.Value.Hls.SegmentTargetMilliseconds),
        PartTarget = HlsPartTarget.Value,
        MaxPartBytes = options.Value.Hls.MaxPartBytes,
        MaxWindowBytes = options.Value.Hls.MaxWindowBytes,
    };

    /// <summary>Starts the channel's HLS output; null when HLS is off. <paramref name="owner"/> takes the window's keyframe requests.</summary>
    public IDisposable? Start(LiveFeed feed, IActorRef owner)
    {
        if (!_options.Enabled)
        {
            return null;
        }
        if (LiveCmafPackager.UnsupportedReason(feed.Tracks) is { } unsupported)
        {
            var unavailable = new HlsChannel(feed.Channel, null, mirrored: false, $"HLS needs H.264 video: {unsupported}.");
            channels.Set(unavailable)?.Close?.Invoke();
            return new Handle(() => channels.Remove(unavailable));
        }

        var now = DateTimeOffset.UtcNow;
        var epoch = Epoch(now);
        // MSNs continue from wall time, so a new run never answers a blocking query (cached by it) of an earlier one.
        var window = new HlsChannelWindow(feed.Channel, epoch, Settings, () => owner.Tell(SessionCommands.RequestKeyframe.Instance), Settings.FirstMsn(now));
        var packager = packagers(feed.Tracks, new CountingOutput(window, channels.Counters), Settings);
        var entry = new HlsChannel(feed.Channel, window, mirrored: false);
        channels.Set(entry)?.Close?.Invoke();
        var pump = new HlsPacketFeed(feed.Fanout.Hub, server.Materializer, packager, channels.Counters, failure =>
        {
            if (failure is not null)
            {
                LogPackagerFailed(logger, failure, feed.Channel);
            }
            window.End();
        });
        LogStarted(logger, feed.Channel, epoch);
        var grace = TimeSpan.FromSeconds(_options.EndedGraceSeconds);
        void End()
        {
            // The fan-out completes first (the publisher's session stops it), so the packager gets its last packets
            // and finishes its last part; a packager that does not finish in time is cut off.
            _ = pump.Completion.WaitAsync(TimeSpan.FromSeconds(2)).ContinueWith(_ =>
            {
                pump.Dispose();
                window.End();
                // Players still reading get the ENDLIST for a while; then the channel's HLS is gone (404).
                _ = Task.Delay(grace).ContinueWith(_ => channels.Remove(entry), TaskScheduler.Default);
            }, TaskScheduler.Default);
        }
        entry.Close = End;
        return new Handle(End);
    }

    /// <summary>Base 36 of the start's Unix milliseconds: short, lower-case, and new for every run of a channel.</summary>
    internal static string Epoch(DateTimeOffset now)
    {
        const string digits = "0123456789abcdefghijklmnopqrstuvwxyz";
        var value = (ulong)now.ToUnixTimeMilliseconds();
        Span<char> text = stackalloc char[16];
        var i = text.Length;
        do
        {
            text[--i] = digits[(int)(value % 36)];
            value /= 36;
        }
        while (value > 0);
        return new string(text[i..]);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "LL-HLS output for {Channel} started (epoch {Epoch})")]
    private static partial void LogStarted(ILogger logger, string channel, string epoch);

    [LoggerMessage(Level = LogLevel.Error, Message = "The LL-HLS packager of {Channel} failed; its playlist ends")]
    private static partial void LogPackagerFailed(ILogger logger, Exception exception, string channel);

    private sealed class Handle(Action end) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                end();
            }
        }
    }

    /// <summary>Counts the parts the packager hands the window.</summary>
    private sealed class CountingOutput(HlsChannelWindow window, HlsCounters counters) : ICmafOutput
    {
        public void InitSegment(ReadOnlyMemory<byte> init) => window.InitSegment(init);

        public void Part(CmafPart part)
        {
            counters.PartProduced();
            // One feeding thread: a change of the window's count during this call is this part's drop.
            var dropped = window.PartsDropped;
            window.Part(part);
            if (window.PartsDropped != dropped)
            {
                counters.PartDropped();
            }
        }

        public void KeyframeWanted() => window.KeyframeWanted();
    }
}
