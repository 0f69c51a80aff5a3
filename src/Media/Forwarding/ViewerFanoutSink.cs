using System.Diagnostics;
using System.Runtime.CompilerServices;
using Akka.Streams;
using Akka.Streams.Stage;
using CommunityStream.WebRtc.Transport;

namespace CommunityStream.Media.Forwarding;

/// <summary>
/// The local viewers' end of a stream's graph, a sink stage: it takes every packet from the stream's hub as it
/// comes and forwards them to this node's viewers in passes. A pass takes every packet that queued while the
/// previous one ran (up to <see cref="StreamFanout.MaxGroup"/>, oldest first), so an idle fan-out sends each packet
/// at once and a busy one does more per pass instead of falling behind; at most <see cref="QueueLimit"/> packets
/// wait, the oldest dropped and counted beyond that. A pass runs on the thread pool, off the stage (which keeps taking
/// packets meanwhile), one at a time: every viewer's forwarder writes and protects its copies into the slice's
/// <see cref="UdpBatchSender"/>, one viewer after another, so the batch sends each viewer's equal-sized copies as one
/// UDP GSO message. A large audience is cut into slices forwarded in parallel, each into its own batch.
/// Completes when the hub does and the last pass has ended; the batches are disposed then.
/// </summary>
internal sealed class ViewerFanoutSink : GraphStageWithMaterializedValue<SinkShape<MediaPacket>, Task>
{
    /// <summary>Packets waiting for a pass at most (the old hub consumer's buffer plus one group).</summary>
    public const int QueueLimit = 512 + StreamFanout.MaxGroup;

    private readonly Inlet<MediaPacket> _in = new("viewer-fanout.in");
    private readonly StreamFanout _fanout;
    private readonly UdpBatchSender?[] _batches;
    private readonly Func<UdpBatchSender>? _newBatch;
    private readonly int _sliceSize;
    private readonly long _maxAgeTicks;

    /// <param name="fanout">The viewers, and the counters this stage keeps.</param>
    /// <param name="batches">One batch per slice; the first is there, the others are made by <paramref name="newBatch"/> as the audience grows.</param>
    /// <param name="newBatch">Makes the batches of further slices; null keeps every viewer in the first.</param>
    /// <param name="sliceSize">Viewers per slice at least.</param>
    /// <param name="maxAge">A packet older than this when its pass begins is skipped.</param>
    public ViewerFanoutSink(StreamFanout fanout, UdpBatchSender?[] batches, Func<UdpBatchSender>? newBatch, int sliceSize, TimeSpan maxAge)
    {
        _fanout = fanout;
        _batches = batches;
        _newBatch = newBatch;
        _sliceSize = Math.Max(1, sliceSize);
        _maxAgeTicks = (long)(maxAge.TotalSeconds * Stopwatch.Frequency);
        Shape = new SinkShape<MediaPacket>(_in);
    }

    public override SinkShape<MediaPacket> Shape { get; }

    protected override Attributes InitialAttributes { get; } = Attributes.CreateName("viewer-fanout");

    public override ILogicAndMaterializedValue<Task> CreateLogicAndMaterializedValue(Attributes inheritedAttributes)
    {
        var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return new LogicAndMaterializedValue<Task>(new Logic(this, completion), completion.Task);
    }

    private sealed class Logic : InGraphStageLogic
    {
        private readonly ViewerFanoutSink _stage;
        private readonly TaskCompletionSource _completion;
        private readonly Queue<MediaPacket> _waiting = new();
        // The pass being forwarded: written by the stage only while no pass runs, read by the pass and its slices.
        private readonly List<MediaPacket> _group = new(StreamFanout.MaxGroup);
        private readonly MediaPacket[] _fresh = new MediaPacket[StreamFanout.MaxGroup];
        private readonly Action _runPass;
        private readonly Action<int> _forwardSlice;
        private ViewerForwarder[] _passViewers = [];
        private int _passFresh;
        private int _passSlices;
        private long _passNow;
        private Action<Task>? _passEnded;
        private Task? _pass;
        private Exception? _failure;

        public Logic(ViewerFanoutSink stage, TaskCompletionSource completion)
            : base(stage.Shape)
        {
            _stage = stage;
            _completion = completion;
            _runPass = Deliver;
            _forwardSlice = ForwardSlice;
            SetHandler(stage._in, this);
        }

        public override void PreStart()
        {
            _passEnded = GetAsyncCallback<Task>(OnPassEnded);
            Pull(_stage._in);
        }

        public override void OnPush()
        {
            if (_waiting.Count == QueueLimit)
            {
                _waiting.Dequeue();
                _stage._fanout.CountDropped();
            }
            _waiting.Enqueue(Grab(_stage._in));
            Pull(_stage._in);
            if (_pass is null)
            {
                StartPass();
            }
        }

        public override void OnUpstreamFinish()
        {
            if (_pass is null && _waiting.Count == 0)
            {
                CompleteStage();
            }
        }

        public override void OnUpstreamFailure(Exception e)
        {
            _failure = e;
            if (_pass is null)
            {
                FailStage(e);
            }
        }

        public override void PostStop()
        {
            // A pass still running (the stream was torn down) keeps the batches until it ends.
            var pass = _pass ?? Task.CompletedTask;
            pass.ContinueWith(_ =>
            {
                foreach (var batch in _stage._batches)
                {
                    batch?.Dispose();
                }
                if (_failure is null)
                {
                    _completion.TrySetResult();
                }
                else
                {
                    _completion.TrySetException(_failure);
                }
            }, TaskScheduler.Default);
        }

        private void StartPass()
        {
            while (_group.Count < StreamFanout.MaxGroup && _waiting.TryDequeue(out var packet))
            {
                _group.Add(packet);
            }
            _pass = Task.Run(_runPass);
            _pass.ContinueWith(_passEnded!, TaskContinuationOptions.ExecuteSynchronously);
        }

        private void OnPassEnded(Task pass)
        {
            _pass = null;
            _group.Clear();
            if (pass.Exception is { } exception)
            {
                _failure = exception.GetBaseException();
                FailStage(_failure);
            }
            else if (_waiting.Count > 0)
            {
                StartPass();
            }
            else if (IsClosed(_stage._in))
            {
                if (_failure is null)
                {
                    CompleteStage();
                }
                else
                {
                    FailStage(_failure);
                }
            }
        }

        // The per-copy path (here, the forwarder, SRTP, AES-GCM, the batch) is compiled optimized at first call: run as
        // tier-0 code while a crowd joined, it kept a loaded core overloaded for most of a minute (bench/README.md).
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Deliver()
        {
            var fanout = _stage._fanout;
            var now = Stopwatch.GetTimestamp();
            // Audio first, then video, each in arrival order: a viewer's video copies then form one run of equal sizes.
            var fresh = 0;
            foreach (var packet in _group)
            {
                if (packet.Kind == MediaKind.Audio && IsFresh(packet, now))
                {
                    _fresh[fresh++] = packet;
                }
            }
            foreach (var packet in _group)
            {
                if (packet.Kind == MediaKind.Video)
                {
                    fanout.Retransmissions.Add(packet);
                    if (IsFresh(packet, now))
                    {
                        _fresh[fresh++] = packet;
                    }
                }
            }
            fanout.CountPass();
            if (fresh == 0)
            {
                return;
            }
            var viewers = fanout.Viewers;
            var batches = _stage._batches;
            var slices = Math.Clamp(viewers.Length / _stage._sliceSize, 1, batches.Length);
            if (slices == 1)
            {
                Forward(batches[0]!, viewers, new ReadOnlySpan<MediaPacket>(_fresh, 0, fresh), now);
            }
            else
            {
                for (var i = 1; i < slices; i++)
                {
                    batches[i] ??= _stage._newBatch!();
                }
                (_passViewers, _passFresh, _passSlices, _passNow) = (viewers, fresh, slices, now);
                Parallel.For(0, slices, _forwardSlice);
                _passViewers = [];
            }
            var passEnd = Stopwatch.GetTimestamp();
            for (var i = 0; i < fresh; i++)
            {
                fanout.Delays.Record(passEnd - _fresh[i].ReceivedAt);
            }
            // One histogram value per pass, not per packet: the pass's first packet waited longest.
            fanout.ForwardingDelay?.Record((double)(passEnd - _fresh[0].ReceivedAt) / Stopwatch.Frequency);
            Array.Clear(_fresh, 0, fresh);
            fanout.CountDelivered(fresh);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void ForwardSlice(int slice)
        {
            var viewers = _passViewers;
            var start = viewers.Length * slice / _passSlices;
            var end = viewers.Length * (slice + 1) / _passSlices;
            Forward(_stage._batches[slice]!, viewers.AsSpan(start, end - start), new ReadOnlySpan<MediaPacket>(_fresh, 0, _passFresh), _passNow);
        }

        // Each viewer's copies of the pass into the slice's batch, then one flush.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Forward(UdpBatchSender batch, ReadOnlySpan<ViewerForwarder> viewers, ReadOnlySpan<MediaPacket> packets, long now)
        {
            foreach (var viewer in viewers)
            {
                try
                {
                    viewer.ForwardInto(packets, batch, now);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // A bug in one viewer's path must not stop the others.
                    _stage._fanout.CountFailure();
                }
            }
            batch.Flush();
        }

        private bool IsFresh(MediaPacket packet, long now)
        {
            var lag = now - packet.ReceivedAt;
            _stage._fanout.ObserveLag(lag);
            if (lag <= _stage._maxAgeTicks)
            {
                return true;
            }
            _stage._fanout.CountStale();
            return false;
        }
    }
}
