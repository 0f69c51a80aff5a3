using System.Diagnostics;
using System.Runtime.CompilerServices;
using CommunityStream.Chat.Telemetry;

namespace CommunityStream.Chat.Delivery;

/// <summary>
/// Sends a room's broadcasts to this node's direct sockets in passes, off the room subscriber's thread. The
/// subscriber queues a frame to every outbox (cheap) and kicks a pass; a pass gives each socket everything queued
/// for it in one non-blocking send. A message that arrives during a pass is queued behind the one being sent, so
/// the sockets the pass has not reached yet get both in one send: when a room's messages come faster than one
/// send per member allows, sends per message fall instead of a backlog building up.
/// <para>
/// A send costs the kernel several microseconds, so one thread needs most of a second to visit 100,000 sockets.
/// A big room is cut into slices of at least <see cref="DefaultSliceSize"/> outboxes, one per core at most, each
/// with its own passes.
/// </para>
/// </summary>
internal sealed class RoomSendPass(int sliceSize = RoomSendPass.DefaultSliceSize, int? parallelism = null, ChatMetrics? metrics = null)
{
    public const int DefaultSliceSize = 2_048;

    // Created as the room grows: most rooms never need more than the first.
    private readonly Slice?[] _slices = new Slice?[Math.Max(1, parallelism ?? Environment.ProcessorCount)];

    /// <summary>Sends what is queued on <paramref name="outboxes"/> soon, on the thread pool. Called by one thread (the room's subscriber).</summary>
    public void Kick(ConnectionOutbox[] outboxes)
    {
        var count = Math.Clamp(outboxes.Length / sliceSize, 1, _slices.Length);
        for (var i = 0; i < count; i++)
        {
            var start = outboxes.Length * i / count;
            var end = outboxes.Length * (i + 1) / count;
            (_slices[i] ??= new Slice(metrics ?? ChatMetrics.Unmetered)).Kick(new Segment(outboxes, start, end));
        }
    }

    private sealed record Segment(ConnectionOutbox[] Outboxes, int Start, int End);

    // One pass at a time per slice; a kick during a pass runs one more.
    private sealed class Slice(ChatMetrics metrics) : IThreadPoolWorkItem
    {
        private const int Idle = 0;
        private const int Running = 1;
        private const int RunAgain = 2;

        private Segment? _outboxes;
        private int _state;
        // When the kick that queued the current pass came (0: stages not read), for the first-write stage.
        private long _kickedAt;

        public void Kick(Segment outboxes)
        {
            Volatile.Write(ref _outboxes, outboxes);
            if (Interlocked.Exchange(ref _state, RunAgain) == Idle)
            {
                _kickedAt = metrics.StagesEnabled ? Stopwatch.GetTimestamp() : 0;
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Execute()
        {
            // Counted once per pass, never per socket: two timestamps and one add.
            var started = Stopwatch.GetTimestamp();
            var sends = 0;
            do
            {
                Volatile.Write(ref _state, Running);
                var (outboxes, start, end) = Volatile.Read(ref _outboxes)!;
                for (var i = start; i < end; i++)
                {
                    sends += outboxes[i].SendQueued();
                    if (sends > 0 && _kickedAt != 0)
                    {
                        metrics.FirstWrite(_kickedAt);
                        _kickedAt = 0;
                    }
                }
            }
            // A kick during the pass set RunAgain: go round once more for what it queued.
            while (Interlocked.CompareExchange(ref _state, Idle, Running) != Running);
            metrics.SendPass(sends, Stopwatch.GetTimestamp() - started);
        }
    }
}
