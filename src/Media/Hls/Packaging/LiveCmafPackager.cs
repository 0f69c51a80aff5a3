using System.Diagnostics;
using CommunityStream.Media.Forwarding;

namespace CommunityStream.Media.Hls.Packaging;

/// <summary>
/// Remuxes one publisher's H.264 and Opus RTP into CMAF for LL-HLS, without transcoding: an init segment, then
/// parts of one moof (a traf per track) and one mdat each, handed to <see cref="ICmafOutput"/> in order.
/// <list type="bullet">
/// <item>The packager decides where segments start: an IDR starts an Independent part only when the segment in
/// progress has lasted <see cref="CmafPackagerOptions.SegmentTarget"/> (or the codec configuration changed), and the
/// window starts a segment at every Independent part (and, like this packager, after
/// <see cref="CmafPackagerOptions.HardCut"/>). An IDR elsewhere (a viewer's PLI) stays inside its part, still a sync
/// sample. So only a segment's last part can be short; every other part lasts between
/// <see cref="CmafPackagerOptions.PartFloor"/> and the part target (RFC 8216bis §4.4.4.9).</item>
/// <item>A frame's duration is the gap to the next frame's timestamp, so a frame joins its part only when the next
/// one arrives: parts are one frame late. A part is closed as soon as another frame of the same duration would not
/// fit. A frame that would take its part past the target (the encoder stalled) lasts only to the part's end, and the
/// next frame's decode time jumps: fMP4 allows gaps (tfdt), ffmpeg reads them, and the web player jumps a buffer gap.
/// With audio, the stall is noticed on audio time: once audio is a quarter part target past the part's end, the frame
/// is closed there and audio carries the parts (live, not when video resumes), as while waiting for an IDR.</item>
/// <item>Opus packets go into the part whose video ends after their start (a packet's duration, too, is the gap to
/// the next one, or its TOC when that gap is implausible).</item>
/// <item>Timelines start at 0 at the first IDR (90 kHz video, 48 kHz audio) and stay continuous: 32-bit RTP
/// timestamps are unwrapped. Audio is placed against video by arrival time (the Stopwatch receive ticks of the first
/// audio packet after the first IDR), not by RTCP sender reports, so lip sync is as good as arrival jitter.</item>
/// <item>ProgramDateTime: the wall clock (<see cref="TimeProvider.GetUtcNow"/>) when the first IDR's first packet was
/// received, plus the part's decode time on the media (RTP) timeline.</item>
/// <item>After a loss the depacketizer waits for an IDR (<see cref="ICmafOutput.KeyframeWanted"/>); meanwhile parts
/// carry audio only, cut on audio time, and the video timeline resumes at the IDR's time (at most 10 s later).</item>
/// <item>Audio-only publishers: parts cut on audio time, each independent.</item>
/// </list>
/// Fed from ONE thread: nothing here is synchronized.
/// </summary>
internal sealed class LiveCmafPackager
{
    private const long VideoHz = CmafInitSegment.VideoTimescale;
    private const long AudioHz = CmafInitSegment.AudioTimescale;
    private const long MaxVideoGap = 10 * VideoHz;
    private const long MaxAudioDelta = 5 * AudioHz;
    private const uint DefaultOpusSamples = 960;

    private readonly ICmafOutput _output;
    private readonly CmafPackagerOptions _options;
    private readonly TimeProvider _clock;
    private readonly long _targetVideoTicks;
    private readonly long _floorVideoTicks;
    private readonly long _targetAudioTicks;
    private readonly long _floorAudioTicks;
    private readonly bool _hasAudio;
    private readonly H264Depacketizer? _depacketizer;
    private readonly Mp4BoxWriter _writer = new(64 * 1024);
    private readonly List<CmafSample> _partVideo = [];
    private readonly List<CmafSample> _partAudio = [];
    private readonly Queue<(ulong DecodeTime, CmafSample Sample)> _audio = new();
    private uint _sequence;
    private H264Configuration? _initConfiguration;

    private bool _started;
    private long _anchorReceivedAt;
    private DateTimeOffset _wallAnchor;

    private RtpTimestampUnwrapper _videoTimestamps;
    private H264AccessUnit? _pendingVideo;
    private long _pendingVideoMedia;
    private ulong _pendingVideoDecode;
    private long _videoMediaEnd;
    private ulong _videoDecodeEnd;
    private long _lastVideoDuration = VideoHz / 30;
    private ulong _partVideoStart;
    private long _partVideoDuration;
    private bool _partIndependent;
    private bool _pendingStartsSegment;
    private bool _segmentOpen;
    private TimeSpan _segmentDuration;
    private bool _videoStalled;
    private long _droppedSeen;

    private RtpTimestampUnwrapper _audioTimestamps;
    private bool _audioAnchored;
    private byte[]? _pendingAudio;
    private long _pendingAudioMedia;
    private ulong _audioDecodeEnd;
    private long _queuedAudioDuration;

    /// <exception cref="NotSupportedException">The video codec is not H.264, or there is nothing to package (see <see cref="UnsupportedReason"/>).</exception>
    public LiveCmafPackager(IReadOnlyList<PublishedTrack> tracks, ICmafOutput output, CmafPackagerOptions? options = null, TimeProvider? clock = null)
    {
        var reason = UnsupportedReason(tracks);
        if (reason is not null)
        {
            throw new NotSupportedException(reason);
        }
        _output = output;
        _options = options ?? CmafPackagerOptions.Default;
        _clock = clock ?? TimeProvider.System;
        _targetVideoTicks = (long)Math.Round(_options.PartTarget.TotalSeconds * VideoHz);
        _targetAudioTicks = (long)Math.Round(_options.PartTarget.TotalSeconds * AudioHz);
        _floorVideoTicks = (long)Math.Ceiling(_options.PartFloor.TotalSeconds * VideoHz);
        _floorAudioTicks = (long)Math.Ceiling(_options.PartFloor.TotalSeconds * AudioHz);
        var video = tracks.FirstOrDefault(t => t.Kind == MediaKind.Video);
        if (video is not null)
        {
            var format = new WebRtc.Sdp.SdpCodec(video.PayloadType, video.Codec, video.ClockRate, 1) { Format = video.Format };
            _depacketizer = new H264Depacketizer(_options.Limits, format.Parameter("sprop-parameter-sets"));
        }
        _hasAudio = tracks.Any(IsOpus);
    }

    /// <summary>
    /// Why a publisher with these tracks cannot be packaged (completes "HLS unavailable: …"), or null when it can.
    /// Audio other than Opus is left out rather than refused.
    /// </summary>
    public static string? UnsupportedReason(IReadOnlyList<PublishedTrack> tracks)
    {
        var video = tracks.FirstOrDefault(t => t.Kind == MediaKind.Video);
        if (video is not null && !video.Codec.Equals("H264", StringComparison.OrdinalIgnoreCase))
        {
            return $"{video.Codec.ToUpperInvariant()} publisher; H.264 needed";
        }
        if (video is not null && video.Format.Contains("packetization-mode=2", StringComparison.OrdinalIgnoreCase))
        {
            return "H.264 packetization-mode 2 publisher; mode 0 or 1 needed";
        }
        return video is null && !tracks.Any(IsOpus) ? "no H.264 video and no Opus audio to package" : null;
    }

    private static bool IsOpus(PublishedTrack track) =>
        track.Kind == MediaKind.Audio && track.Codec.Equals("opus", StringComparison.OrdinalIgnoreCase);

    /// <summary>Access units the depacketizer dropped (losses, broken packets, waiting for an IDR).</summary>
    public long DroppedVideoUnits => _depacketizer?.DroppedUnits ?? 0;

    /// <summary>Opus packets dropped: late, duplicate, or beyond the queue bound.</summary>
    public long DroppedAudioPackets { get; private set; }

    public void Push(MediaPacket packet)
    {
        if (packet.Kind == MediaKind.Video)
        {
            PushVideo(packet);
        }
        else if (_hasAudio)
        {
            PushAudio(packet);
        }
    }

    /// <summary>The publisher left: emits what is held (the last frame with the previous frame's duration).</summary>
    public void Finish()
    {
        if (_depacketizer is not null)
        {
            _depacketizer.Flush();
            DrainAccessUnits();
            if (_pendingVideo is not null)
            {
                CloseVideoFrame(_lastVideoDuration);
            }
        }
        if (_pendingAudio is not null)
        {
            var samples = OpusPacketDuration.Samples(_pendingAudio);
            CloseAudio(samples > 0 ? (uint)samples : DefaultOpusSamples);
        }
        FlushPart();
        while (_audio.Count > 0)
        {
            FlushPart(audioAlone: true); // audio beyond the last video frame
        }
    }

    private void PushVideo(MediaPacket packet)
    {
        if (_depacketizer is null)
        {
            return;
        }
        _depacketizer.Push(packet);
        if (_depacketizer.TakeKeyframeRequest())
        {
            _output.KeyframeWanted();
        }
        DrainAccessUnits();
        if (_depacketizer.WaitingForIdr && _pendingVideo is not null)
        {
            // Video stops here until an IDR: the last good frame lasts to its part's end (no short part); audio
            // carries on alone.
            CloseVideoFrame(_targetVideoTicks - _partVideoDuration);
            FlushPart();
            _videoStalled = true;
        }
    }

    private void DrainAccessUnits()
    {
        while (_depacketizer!.TryRead(out var unit))
        {
            OnAccessUnit(unit);
        }
    }

    private void OnAccessUnit(H264AccessUnit unit)
    {
        var media = _videoTimestamps.Unwrap(unit.Timestamp);
        if (!_started)
        {
            if (!unit.Idr)
            {
                return;
            }
            Start(unit.ReceivedAt);
            _videoMediaEnd = media;
        }
        var gap = _depacketizer!.DroppedUnits != _droppedSeen;
        _droppedSeen = _depacketizer.DroppedUnits;
        if (_pendingVideo is not null)
        {
            var delta = media - _pendingVideoMedia;
            CloseVideoFrame(!gap && delta > 0 && delta <= MaxVideoGap ? delta : _lastVideoDuration);
        }
        if (_videoStalled && _queuedAudioDuration >= _floorAudioTicks)
        {
            FlushPart(); // the audio-only part in progress is long enough to end where video resumes
        }
        var newConfiguration = unit.Idr && !unit.Configuration.SameAs(_initConfiguration);
        _pendingStartsSegment = newConfiguration || (unit.Idr && SegmentDue());
        if (newConfiguration)
        {
            FlushPart();
            EmitInit(unit.Configuration);
        }
        _pendingVideo = unit;
        _pendingVideoMedia = media;
        _pendingVideoDecode = _videoDecodeEnd + (ulong)Math.Clamp(media - _videoMediaEnd, 0, MaxVideoGap);
        _videoStalled = false;
    }

    /// <summary>
    /// Whether an IDR here would start a segment in the window: the segment in progress, with the part held now,
    /// has lasted the segment target. Durations are summed as the window sums them (the parts' TimeSpans). When the
    /// part held now starts a segment itself (it is independent, or the segment passed the hard cut), only it counts.
    /// </summary>
    private bool SegmentDue()
    {
        var held = VideoSpan(_partVideoDuration);
        if (_partVideo.Count > 0 && (_partIndependent || (_segmentOpen && _segmentDuration >= _options.HardCut)))
        {
            return held >= _options.SegmentTarget;
        }
        return !_segmentOpen || _segmentDuration + held >= _options.SegmentTarget;
    }

    private static TimeSpan VideoSpan(long ticks) => TimeSpan.FromSeconds((double)ticks / VideoHz);

    private void CloseVideoFrame(long wanted)
    {
        var frame = _pendingVideo!;
        var startsSegment = _pendingStartsSegment;
        _pendingVideo = null;
        _pendingStartsSegment = false;
        if (_partVideo.Count > 0 && (startsSegment || (_partVideoDuration + wanted > _targetVideoTicks && _partVideoDuration >= _floorVideoTicks)))
        {
            FlushPart();
        }
        // A frame that would take its part past the target lasts to the part's end; the next frame's tfdt jumps.
        var duration = Math.Min(wanted, _targetVideoTicks - _partVideoDuration);
        if (_partVideo.Count == 0)
        {
            _partVideoStart = _pendingVideoDecode;
            _partIndependent = startsSegment;
        }
        _partVideo.Add(new CmafSample(frame.Data, (uint)duration, frame.Idr));
        _partVideoDuration += duration;
        if (duration == wanted)
        {
            _lastVideoDuration = duration;
        }
        _videoMediaEnd = _pendingVideoMedia + duration;
        _videoDecodeEnd = _pendingVideoDecode + (ulong)duration;
        if (_partVideoDuration >= _floorVideoTicks && _partVideoDuration + _lastVideoDuration > _targetVideoTicks)
        {
            FlushPart(); // another frame like the last would not fit: no need to wait for it
        }
    }

    private void PushAudio(MediaPacket packet)
    {
        var payload = packet.Payload;
        if (packet.Padded && payload.Length > 0)
        {
            var padding = payload[^1];
            payload = padding <= payload.Length ? payload[..^padding] : [];
        }
        if (payload.Length == 0)
        {
            return;
        }
        var media = _audioTimestamps.Unwrap(packet.Timestamp);
        if (!_started)
        {
            if (_depacketizer is not null)
            {
                return; // the channel starts at the first IDR
            }
            Start(packet.ReceivedAt);
            EmitInit(null);
        }
        if (!_audioAnchored)
        {
            _audioAnchored = true;
            _audioDecodeEnd = _depacketizer is null || packet.ReceivedAt == 0 || _anchorReceivedAt == 0
                ? 0
                : (ulong)Math.Max(0, (packet.ReceivedAt - _anchorReceivedAt) * AudioHz / Stopwatch.Frequency);
        }
        else if (_pendingAudio is not null)
        {
            var delta = media - _pendingAudioMedia;
            if (delta <= 0)
            {
                DroppedAudioPackets++; // late or repeated
                return;
            }
            var samples = OpusPacketDuration.Samples(_pendingAudio);
            CloseAudio(delta <= MaxAudioDelta ? (uint)delta : samples > 0 ? (uint)samples : DefaultOpusSamples);
        }
        _pendingAudio = payload.ToArray();
        _pendingAudioMedia = media;
    }

    private void CloseAudio(uint duration)
    {
        var data = _pendingAudio!;
        _pendingAudio = null;
        var audioDriven = _depacketizer is null || _videoStalled;
        if (audioDriven && _audio.Count > 0 && _queuedAudioDuration + duration > _targetAudioTicks && _queuedAudioDuration >= _floorAudioTicks)
        {
            FlushPart();
        }
        // As for video: a packet that would take an audio-driven part past the target lasts to its end (the next
        // packet's time jumps); none lasts longer than a part target.
        var sampleDuration = (uint)Math.Max(1, Math.Min(duration, audioDriven ? _targetAudioTicks - _queuedAudioDuration : _targetAudioTicks));
        _audio.Enqueue((_audioDecodeEnd, new CmafSample(data, sampleDuration, true)));
        _queuedAudioDuration += sampleDuration;
        _audioDecodeEnd += duration;
        if (_audio.Count > _options.MaxQueuedAudioSamples)
        {
            _queuedAudioDuration -= _audio.Dequeue().Sample.Duration;
            DroppedAudioPackets++;
        }
        while (audioDriven && _queuedAudioDuration >= _targetAudioTicks)
        {
            FlushPart();
        }
        if (!audioDriven && _pendingVideo is not null
            && _audioDecodeEnd * (ulong)VideoHz / (ulong)AudioHz > _pendingVideoDecode + (ulong)(_targetVideoTicks - _partVideoDuration + _targetVideoTicks / 4))
        {
            // Audio is well past where the pending frame's part must end: the encoder stalled. The frame lasts to
            // the part's end and audio carries the parts until video resumes (its decode time jumps).
            CloseVideoFrame(_targetVideoTicks - _partVideoDuration);
            FlushPart();
            _videoStalled = true;
        }
    }

    private void Start(long receivedAt)
    {
        _started = true;
        _anchorReceivedAt = receivedAt;
        var now = _clock.GetUtcNow();
        _wallAnchor = receivedAt == 0 ? now : now - Stopwatch.GetElapsedTime(receivedAt);
    }

    private void EmitInit(H264Configuration? configuration)
    {
        _initConfiguration = configuration;
        _output.InitSegment(CmafInitSegment.Build(configuration, _hasAudio ? 2 : 0));
    }

    /// <summary>
    /// Writes the part held so far: its video, and the audio that starts before its video ends. Without video, only
    /// while audio drives the parts (audio-only channel, video stalled) or <paramref name="audioAlone"/>: all queued audio.
    /// </summary>
    private void FlushPart(bool audioAlone = false)
    {
        var hasVideo = _partVideo.Count > 0;
        if (!hasVideo && !audioAlone && _depacketizer is not null && !_videoStalled)
        {
            return;
        }
        var videoEnd = _partVideoStart + (ulong)_partVideoDuration;
        ulong audioStart = 0;
        long audioDuration = 0;
        while (_audio.Count > 0 && (hasVideo
            ? _audio.Peek().DecodeTime * (ulong)VideoHz / (ulong)AudioHz < videoEnd
            : _partAudio.Count == 0 || audioDuration + _audio.Peek().Sample.Duration <= _targetAudioTicks))
        {
            var (decodeTime, sample) = _audio.Dequeue();
            if (_partAudio.Count == 0)
            {
                audioStart = decodeTime;
            }
            _partAudio.Add(sample);
            audioDuration += sample.Duration;
        }
        _queuedAudioDuration -= audioDuration;
        if (!hasVideo && _partAudio.Count == 0)
        {
            return;
        }
        _writer.Reset();
        CmafFragmentWriter.Write(_writer, ++_sequence, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_partVideo), _partVideoStart,
            System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_partAudio), audioStart);
        var duration = hasVideo ? TimeSpan.FromSeconds((double)_partVideoDuration / VideoHz) : TimeSpan.FromSeconds((double)audioDuration / AudioHz);
        var start = hasVideo ? TimeSpan.FromSeconds((double)_partVideoStart / VideoHz) : TimeSpan.FromSeconds((double)audioStart / AudioHz);
        // Audio-only channels: every part could start a segment, but only one at the segment target is marked so,
        // because the window starts a segment at every independent part.
        var independent = hasVideo ? _partIndependent : _depacketizer is null && (!_segmentOpen || _segmentDuration >= _options.SegmentTarget);
        var startsSegment = !_segmentOpen || independent || _segmentDuration >= _options.HardCut;
        _segmentDuration = startsSegment ? duration : _segmentDuration + duration;
        _segmentOpen = true;
        _partVideo.Clear();
        _partAudio.Clear();
        _partVideoDuration = 0;
        _output.Part(new CmafPart(_writer.ToArray(), duration, independent, _wallAnchor + start, Stopwatch.GetTimestamp()));
    }
}
