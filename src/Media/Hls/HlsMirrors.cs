using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using Microsoft.Extensions.Logging;

namespace CommunityStream.Media.Hls;

/// <summary>
/// Mirrors of channels packaged on other nodes. The first HLS request here for such a channel subscribes to the
/// publisher node's window (<see cref="HlsOriginActor"/>); requests arriving meanwhile share that subscription, and
/// later ones are served from the local mirror window, which holds the same segments and MSNs. A mirror ends with the
/// stream (its playlist keeps EXT-X-ENDLIST for the grace period), when its link fails (the next request subscribes
/// again), or after <see cref="IdleTimeout"/> without requests.
/// </summary>
internal sealed partial class HlsMirrors : IDisposable
{
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    /// <summary>How long a failed link is remembered: requests meanwhile get 503 instead of each subscribing (and the publisher's node re-sending its whole window) again.</summary>
    public static readonly TimeSpan FailedLinkMemory = TimeSpan.FromSeconds(5);

    private readonly HlsChannels _channels;
    private readonly ActorSystem _system;
    private readonly IMaterializer _materializer;
    private readonly TimeSpan _grace;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, Lazy<Task<HlsChannel?>>> _opening = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _failedAt = new(StringComparer.Ordinal);
    private readonly Timer _idle;

    public HlsMirrors(HlsChannels channels, ActorSystem system, IMaterializer materializer, TimeSpan grace, ILogger<HlsMirrors> logger)
    {
        _channels = channels;
        _system = system;
        _materializer = materializer;
        _grace = grace;
        _logger = logger;
        _idle = new Timer(_ => CloseIdle(), null, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5));
    }

    /// <summary>The channel's entry here, mirrored from <paramref name="publisherNode"/> if need be; null when that node could not provide it.</summary>
    public async Task<HlsChannel?> GetAsync(string channel, string publisherNode, CancellationToken cancel)
    {
        if (_channels.Find(channel) is { } existing)
        {
            return existing;
        }
        if (_failedAt.TryGetValue(channel, out var failed))
        {
            if (Environment.TickCount64 - failed < FailedLinkMemory.TotalMilliseconds)
            {
                return null;
            }
            _failedAt.TryRemove(new KeyValuePair<string, long>(channel, failed));
        }
        var opening = _opening.GetOrAdd(channel, name => new Lazy<Task<HlsChannel?>>(() => OpenAsync(name, publisherNode)));
        try
        {
            return await opening.Value.WaitAsync(cancel).ConfigureAwait(false);
        }
        finally
        {
            if (opening.Value.IsCompleted)
            {
                _opening.TryRemove(new KeyValuePair<string, Lazy<Task<HlsChannel?>>>(channel, opening));
            }
        }
    }

    /// <summary>Asks the publisher's node whether the channel has HLS (for <c>/api/streams/{channel}</c>).</summary>
    public async Task<HlsMessages.Status?> StatusAsync(string channel, string publisherNode, CancellationToken cancel)
    {
        try
        {
            return await Origin(publisherNode).Ask<HlsMessages.Status>(new HlsMessages.GetStatus(channel), AskTimeout, cancel).ConfigureAwait(false);
        }
        catch (AskTimeoutException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        _idle.Dispose();
        foreach (var channel in _channels.All().Where(c => c.Mirrored))
        {
            channel.Close?.Invoke();
        }
    }

    private ActorSelection Origin(string node) => _system.ActorSelection($"{node}/user/{HlsOriginActor.Name}");

    private async Task<HlsChannel?> OpenAsync(string channel, string publisherNode)
    {
        object reply;
        try
        {
            reply = await Origin(publisherNode).Ask<object>(new HlsMessages.Subscribe(channel), AskTimeout).ConfigureAwait(false);
        }
        catch (AskTimeoutException)
        {
            return null;
        }
        if (reply is HlsMessages.Unavailable unavailable)
        {
            // Remembered briefly, so a VP8 channel's players do not cost an ask each.
            var entry = new HlsChannel(channel, null, mirrored: true, unavailable.Reason);
            _channels.Set(entry);
            _ = Task.Delay(TimeSpan.FromSeconds(5)).ContinueWith(_ => _channels.Remove(entry), TaskScheduler.Default);
            return entry;
        }
        if (reply is not ISourceRef<HlsWireChunk> source)
        {
            return null;
        }
        var assembler = new HlsWireAssembler();
        var begun = new TaskCompletionSource<HlsChannel>(TaskCreationOptions.RunContinuationsAsynchronously);
        HlsChannel? mirror = null;
        var closedHere = 0;
        var (link, done) = source.Source
            .ViaMaterialized(KillSwitches.Single<HlsWireChunk>(), Keep.Right)
            .ToMaterialized(Sink.ForEach<HlsWireChunk>(chunk =>
            {
                switch (assembler.Add(chunk))
                {
                    case HlsWindowBegin begin when mirror is null:
                        mirror = new HlsChannel(channel, new HlsChannelWindow(channel, begin), mirrored: true);
                        break;
                    case HlsSnapshotSent when mirror is not null:
                        // Served from here on: the mirror now holds what the publisher's node held when it subscribed.
                        begun.TrySetResult(mirror);
                        break;
                    case { } change when mirror is not null:
                        mirror.Window!.Apply(change);
                        break;
                    case { } change:
                        throw new InvalidOperationException($"The HLS mirror of {channel} got {change.GetType().Name} before its window began.");
                }
            }), Keep.Both)
            .Run(_materializer);
        _ = done.ContinueWith(ended =>
        {
            begun.TrySetException(ended.Exception?.GetBaseException() ?? new InvalidOperationException("The HLS link ended before the window began."));
            if (ended.IsFaulted && Volatile.Read(ref closedHere) == 0)
            {
                // Remembered for a while: the next requests do not make the publisher's node send its window again.
                _failedAt[channel] = Environment.TickCount64;
            }
            if (mirror is null)
            {
                return;
            }
            if (Volatile.Read(ref closedHere) == 1)
            {
                // Our own kill switch (idle, or the node stopping): the stream may well be live, so no ENDLIST.
                mirror.Window!.Abandon();
                _channels.Remove(mirror);
                return;
            }
            if (ended.IsFaulted)
            {
                LogLinkFailed(_logger, ended.Exception!.GetBaseException(), channel);
                _channels.Remove(mirror);
                // Held requests get their 503 now rather than after the blocking timeout.
                mirror.Window!.Abandon();
                return;
            }
            mirror.Window!.End();
            _ = Task.Delay(_grace).ContinueWith(_ => _channels.Remove(mirror), TaskScheduler.Default);
        }, TaskScheduler.Default);
        try
        {
            var opened = await begun.Task.WaitAsync(AskTimeout).ConfigureAwait(false);
            opened.Close = () =>
            {
                Volatile.Write(ref closedHere, 1);
                link.Shutdown();
                _channels.Remove(opened);
            };
            _channels.Set(opened);
            if (done.IsCompleted)
            {
                // The link ended between its first event and the registration: its completion found nothing to remove.
                _channels.Remove(opened);
                return opened.Window!.Ended ? opened : null;
            }
            _channels.Counters.MirrorOpened();
            return opened;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            link.Shutdown();
            return null;
        }
    }

    private void CloseIdle()
    {
        var now = Environment.TickCount64;
        foreach (var channel in _channels.All())
        {
            if (channel is { Mirrored: true, Window: not null } && now - channel.LastRequest > IdleTimeout.TotalMilliseconds)
            {
                channel.Close?.Invoke();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The HLS link for {Channel} from its publisher's node failed; the next request subscribes again")]
    private static partial void LogLinkFailed(ILogger logger, Exception exception, string channel);
}
