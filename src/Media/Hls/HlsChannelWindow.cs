using CommunityStream.Media.Hls.Packaging;

namespace CommunityStream.Media.Hls;

/// <summary>
/// One channel's LL-HLS window on one node: the packager's init segments and parts grouped into numbered segments,
/// a rolling window of them (at least <see cref="HlsWindowSettings.MinSegments"/> complete ones and
/// <see cref="HlsWindowSettings.Retain"/> of media, plus the live one; older ones are dropped), the rendered media
/// playlist, and the waits of blocking requests. On the publisher's node it is the packager's
/// <see cref="ICmafOutput"/> and decides where segments start (see <see cref="HlsWindowSettings"/>); on other nodes
/// a mirror feeds it the publisher node's <see cref="HlsWindowEvent"/>s through <see cref="Apply"/>.
/// Thread-safe: the one feeding thread and any number of request threads; waits are tasks, never blocked threads
/// (HlsChannelWindow.Waits.cs).
/// </summary>
internal sealed partial class HlsChannelWindow : ICmafOutput
{
    private readonly Lock _gate = new();
    private readonly List<HlsSegment> _segments = [];
    private readonly Dictionary<int, ReadOnlyMemory<byte>> _inits = [];
    private readonly List<Action<HlsWindowEvent>> _listeners = [];
    private readonly Action? _keyframeWanted;
    private readonly HlsPartClock _written = new();
    private TaskCompletionSource _changed = NewSignal();
    private HlsPlaylistWriter.Rendered? _full;
    private HlsPlaylistWriter.Rendered? _delta;
    private long _version;
    private long _nextNumber;
    private long _nextMsn;
    private int _initId;
    private int _lastInitOfParts;
    private bool _keyframeAsked;
    private bool _needKeyframe;
    private long _parts;
    private long _bytes;
    private long _partsDropped;

    /// <summary>A window that is fed by a packager here (the publisher's node); its first segment is <paramref name="firstMsn"/>.</summary>
    public HlsChannelWindow(string channel, string epoch, HlsWindowSettings settings, Action? keyframeWanted = null, long firstMsn = 0)
    {
        Channel = channel;
        Epoch = epoch;
        Settings = settings;
        _keyframeWanted = keyframeWanted;
        _nextMsn = firstMsn;
    }

    /// <summary>A mirror's window: numbering and timing as the publisher's node announced them.</summary>
    public HlsChannelWindow(string channel, HlsWindowBegin begin)
        : this(channel, begin.Epoch, begin.Settings) => DiscontinuitySequence = begin.DiscontinuitySequence;

    public string Channel { get; }

    public string Epoch { get; }

    public HlsWindowSettings Settings { get; }

    /// <summary>Parts this window took (produced here, or received by a mirror).</summary>
    public long PartsAdded => Interlocked.Read(ref _parts);

    public bool Ended { get; private set; }

    /// <summary>Parts refused for exceeding <see cref="HlsWindowSettings.MaxPartBytes"/> (and the parts after them until a keyframe).</summary>
    public long PartsDropped => Interlocked.Read(ref _partsDropped);

    /// <summary>Bytes of the parts in the window now.</summary>
    public long Bytes
    {
        get
        {
            lock (_gate)
            {
                return _bytes;
            }
        }
    }

    internal long DiscontinuitySequence { get; private set; }

    // ---- the packager's output (publisher node) -------------------------------------------------------------

    public void InitSegment(ReadOnlyMemory<byte> init)
    {
        lock (_gate)
        {
            // The next part starts a segment behind EXT-X-DISCONTINUITY and a new EXT-X-MAP.
            ApplyLocked(new HlsInitAdded(_initId + 1, init));
        }
    }

    public void Part(CmafPart part)
    {
        lock (_gate)
        {
            if (Ended || _initId == 0)
            {
                return;
            }
            if (part.Bytes.Length > Settings.MaxPartBytes || (_needKeyframe && !part.Independent))
            {
                // Too large to keep or to mirror (a hostile or broken publisher): dropped, and so is everything that
                // depends on it until the next keyframe, which starts a segment behind EXT-X-DISCONTINUITY.
                Interlocked.Increment(ref _partsDropped);
                if (!_needKeyframe)
                {
                    _needKeyframe = true;
                    _keyframeWanted?.Invoke();
                }
                return;
            }
            var live = _segments.Count > 0 ? _segments[^1] : null;
            var newInit = _initId != _lastInitOfParts || _needKeyframe;
            _needKeyframe = false;
            var starts = live is null || newInit
                || (part.Independent && live.Duration >= Settings.SegmentTarget)
                || live.Duration >= Settings.HardCut;
            if (!starts && live!.Duration >= Settings.SegmentTarget && !_keyframeAsked)
            {
                // The GOP is longer than the segment target: ask now, so the segment ends at the coming IDR.
                _keyframeAsked = true;
                _keyframeWanted?.Invoke();
            }
            var msn = starts ? _nextMsn : live!.Msn;
            var index = starts ? 0 : live!.Parts.Count;
            ApplyLocked(new HlsPartAdded(_nextNumber, msn, index, _initId, starts && newInit && live is not null, part));
        }
    }

    public void KeyframeWanted() => _keyframeWanted?.Invoke();

    /// <summary>The publisher left: the live segment completes and the playlist ends (EXT-X-ENDLIST).</summary>
    public void End()
    {
        lock (_gate)
        {
            if (!Ended)
            {
                ApplyLocked(HlsWindowEnded.Instance);
            }
        }
    }

    /// <summary>A mirror applies the publisher node's events in order.</summary>
    public void Apply(HlsWindowEvent change)
    {
        lock (_gate)
        {
            ApplyLocked(change);
        }
    }

    // ---- what requests read ----------------------------------------------------------------------------------

    /// <summary>The media playlist now (cached until the next change): the full one, or the delta update (EXT-X-SKIP).</summary>
    public HlsPlaylistWriter.Rendered? Playlist(bool skip)
    {
        lock (_gate)
        {
            if (_segments.Count == 0)
            {
                return null;
            }
            // RFC 8216bis §6.2.5.1: _HLS_skip is ignored once the playlist has EXT-X-ENDLIST.
            if (skip && !Ended)
            {
                return _delta is { } delta && delta.Version == _version ? delta : _delta = HlsPlaylistWriter.Render(this, _segments, _version, skip: true);
            }
            return _full is { } full && full.Version == _version ? full : _full = HlsPlaylistWriter.Render(this, _segments, _version, skip: false);
        }
    }

    public ReadOnlyMemory<byte>? Init(int id)
    {
        lock (_gate)
        {
            return _inits.TryGetValue(id, out var init) ? init : null;
        }
    }

    public HlsPartAdded? FindPart(long number)
    {
        lock (_gate)
        {
            // Parts are numbered consecutively through the window's segments.
            foreach (var segment in _segments)
            {
                if (segment.Parts.Count > 0 && number >= segment.Parts[0].Number && number <= segment.Parts[^1].Number)
                {
                    return segment.Parts[(int)(number - segment.Parts[0].Number)];
                }
            }
            return null;
        }
    }

    /// <summary>A complete segment's parts (its bytes are their concatenation), or null.</summary>
    public IReadOnlyList<HlsPartAdded>? FindSegment(long msn)
    {
        lock (_gate)
        {
            var segment = _segments.Find(s => s.Msn == msn);
            return segment is { Complete: true } ? [.. segment.Parts] : null;
        }
    }

    // The lock is reentrant: the check passed to WaitAsync calls these under it.
    internal long NextPartNumber => _nextNumber;

    internal int CurrentInit => _initId;

    // ---- state changes ---------------------------------------------------------------------------------------

    private void ApplyLocked(HlsWindowEvent change)
    {
        switch (change)
        {
            case HlsWindowBegin or HlsSnapshotSent:
                return;
            case HlsInitAdded init:
                _initId = init.Id;
                _inits[init.Id] = init.Bytes;
                break;
            case HlsPartAdded part:
                AddPart(part);
                break;
            case HlsWindowEnded:
                Ended = true;
                if (_segments.Count > 0)
                {
                    _segments[^1].Complete = true;
                }
                break;
        }
        _version++;
        foreach (var listener in _listeners)
        {
            listener(change);
        }
        // Wake every waiter; each checks again and waits on the next signal if it still has to.
        Interlocked.Exchange(ref _changed, NewSignal()).TrySetResult();
    }

    private void AddPart(HlsPartAdded part)
    {
        if (part.Index == 0 || _segments.Count == 0)
        {
            if (_segments.Count > 0)
            {
                _segments[^1].Complete = true;
            }
            _segments.Add(new HlsSegment(part.Msn, part.InitId, part.Discontinuity, part.Part.ProgramDateTime));
            _keyframeAsked = false;
            Prune();
        }
        _segments[^1].Add(part);
        _bytes += part.Part.Bytes.Length;
        PruneBytes();
        _written.Record(part.Number, DateTimeOffset.UtcNow);
        _nextNumber = part.Number + 1;
        _nextMsn = part.Msn + 1;
        _lastInitOfParts = part.InitId;
        Interlocked.Increment(ref _parts);
    }

    private void Prune()
    {
        // Complete segments are all but the live (last) one.
        var complete = _segments.Count - 1;
        var retained = TimeSpan.Zero;
        for (var i = 0; i < complete; i++)
        {
            retained += _segments[i].Duration;
        }
        while (complete > HlsWindowSettings.MinSegments && retained - _segments[0].Duration >= Settings.Retain)
        {
            retained -= _segments[0].Duration;
            RemoveOldest();
            complete--;
        }
        RemoveUnusedInits();
    }

    private void PruneBytes()
    {
        // A window over its byte cap drops its oldest complete segments, even below the retention and the minimum.
        if (_bytes <= Settings.MaxWindowBytes)
        {
            return;
        }
        while (_bytes > Settings.MaxWindowBytes && _segments.Count > 1)
        {
            RemoveOldest();
        }
        RemoveUnusedInits();
    }

    private void RemoveOldest()
    {
        // EXT-X-DISCONTINUITY-SEQUENCE counts the tags that left the playlist.
        if (_segments[0].Discontinuity)
        {
            DiscontinuitySequence++;
        }
        _bytes -= _segments[0].Length;
        _segments.RemoveAt(0);
    }

    private void RemoveUnusedInits()
    {
        foreach (var id in _inits.Keys.ToList())
        {
            if (id != _initId && !_segments.Exists(s => s.InitId == id))
            {
                _inits.Remove(id);
            }
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
