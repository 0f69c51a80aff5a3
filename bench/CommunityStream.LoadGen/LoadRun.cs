using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;

namespace CommunityStream.LoadGen;

/// <summary>
/// One generator process: opens its slice of connections at the ramp rate, joins each to its room,
/// publishes stamped messages from the publisher connections at the room rate, holds, closes, and
/// reports. Every phase ends by the schedule, so the run stops by itself.
/// </summary>
internal sealed class LoadRun(LoadGenOptions options, IReadOnlyList<string> tokens, TextWriter log)
{
    private readonly RunSchedule _schedule = RunSchedule.For(options.Duration);
    private readonly Stopwatch _clock = new();

    // clientIds make sends idempotent per user and room on the server: they must never repeat across runs.
    private readonly string _runId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    public async Task<RunResult> RunAsync()
    {
        var layout = RoomLayout.Create(options.RoomSizes, options.Connections, options.Rooms, options.Publishers);
        using var stats = new RunStats(options.Rooms);
        var server = await ResolveAsync(options.Url);
        using var watch = options.ServerPids.Count > 0 ? new ServerWatch(options.ServerPids) : null;
        var roomJson = Enumerable.Range(0, options.Rooms).Select(r => JsonSerializer.Serialize(options.RoomName(r))).ToArray();
        _clock.Start();
        using var progressStop = new CancellationTokenSource();
        var progress = ReportProgressAsync(stats, progressStop.Token);

        var connections = new List<ChatConnection>(options.EffectiveSliceCount);
        var loops = new List<Task>(options.EffectiveSliceCount);
        using var inFlight = new SemaphoreSlim(options.ConnectConcurrency);
        for (var k = 0; k < options.EffectiveSliceCount; k++)
        {
            if (_clock.Elapsed >= _schedule.RampDeadline)
            {
                break;
            }

            var due = TimeSpan.FromSeconds(k / options.RampRate);
            if (due > _clock.Elapsed)
            {
                await Task.Delay(due - _clock.Elapsed);
            }

            if (!await inFlight.WaitAsync(_schedule.RampDeadline - _clock.Elapsed > TimeSpan.Zero ? _schedule.RampDeadline - _clock.Elapsed : TimeSpan.Zero))
            {
                break;
            }

            var index = options.SliceStart + k;
            var room = layout.RoomOf(index);
            var publisher = !options.Idle && layout.IsPublisher(index);
            var connection = new ChatConnection(index, room, publisher, new ReceiverState(stats, options.EffectiveClock, room));
            connections.Add(connection);
            var source = options.SourceAddresses.Count > 0 ? options.SourceAddresses[k % options.SourceAddresses.Count] : null;
            var token = (publisher || options.AuthenticatedReaders) && tokens.Count > 0 ? tokens[index % tokens.Count] : null;
            loops.Add(RunConnectionAsync(connection, server, source, Target(token), roomJson[room], stats, inFlight));
        }

        // Wait for the connects still in flight (each is bounded by its own timeout).
        for (var i = 0; i < options.ConnectConcurrency && _clock.Elapsed < _schedule.PublishEnd; i++)
        {
            await inFlight.WaitAsync(Remaining(_schedule.PublishEnd));
        }

        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{_clock.Elapsed.TotalSeconds:F1}s] ramp done: {stats.Opened} opened, {stats.Failed} failed"));
        var publishSeconds = 0.0;
        using var stages = options.ServerMetrics is { } metricsUrl ? new ServerStages(metricsUrl, options.ServerMetricsKey) : null;
        Dictionary<string, StageFigures>? serverStages = null;
        if (!options.Idle)
        {
            // Give joins a moment to be answered before the first message.
            await Task.Delay(Remaining(_clock.Elapsed + TimeSpan.FromSeconds(1)));
            var start = _clock.Elapsed;
            var warmup = Math.Min(options.Warmup, (_schedule.PublishEnd - start).TotalSeconds / 2);
            var clockUnitsPerSecond = options.EffectiveClock == StampClock.Monotonic ? Stopwatch.Frequency : 1_000_000;
            var publishStart = StampClocks.Now(options.EffectiveClock);
            if (options.FirstWindow > 0)
            {
                Volatile.Write(ref stats.FirstWindowUntil, publishStart + (long)(options.FirstWindow * clockUnitsPerSecond));
                Volatile.Write(ref stats.FirstWindowFrom, publishStart);
            }

            Volatile.Write(ref stats.LatencyFromTimestamp, publishStart + (long)(warmup * clockUnitsPerSecond));
            var publishers = connections.Where(c => c.IsPublisher && c.Open)
                .Select(c => PublishLoopAsync(c, options.Rate / layout.PublishersPerRoom[c.Room], roomJson[c.Room], stats))
                .ToList();
            if (stages is not null)
            {
                // The server's window is the generator's: from the end of the warm-up to the end of publishing.
                await Task.Delay(TimeSpan.FromSeconds(warmup));
                await stages.StartAsync();
            }
            await Task.WhenAll(publishers);
            serverStages = stages is null ? null : await stages.FinishAsync();
            publishSeconds = Math.Max(0, (_clock.Elapsed - start).TotalSeconds);
        }

        await Task.Delay(Remaining(_schedule.HoldEnd));
        var held = connections.Count(c => c.Open);
        var serverFigures = watch?.Finish(held);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{_clock.Elapsed.TotalSeconds:F1}s] holding {held}; closing"));
        await Task.WhenAll(connections.Where(c => c.Open).Select(c => c.CloseAsync()));
        await Task.WhenAny(Task.WhenAll(loops), Task.Delay(Remaining(_schedule.Total)));
        foreach (var connection in connections)
        {
            connection.Dispose();
        }

        await Task.WhenAny(Task.WhenAll(loops), Task.Delay(1000));
        await progressStop.CancelAsync();
        await progress;
        var result = Summarize(stats, connections, held, publishSeconds, serverFigures);
        result.ServerStages = serverStages;
        return result;
    }

    private async Task RunConnectionAsync(ChatConnection connection, EndPoint server, IPAddress? source, string target, string roomJson, RunStats stats, SemaphoreSlim inFlight)
    {
        Interlocked.Increment(ref stats.Attempted);
        string? failure;
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            failure = await connection.ConnectAsync(server, source, options.Url.Authority, target, timeout.Token);
        }

        inFlight.Release();
        if (failure is not null)
        {
            Interlocked.Increment(ref stats.Failed);
            RunStats.Count(stats.FailureReasons, failure);
            connection.Dispose();
            return;
        }

        Interlocked.Increment(ref stats.Opened);
        if (!options.Idle)
        {
            await connection.SendTextAsync(string.Create(CultureInfo.InvariantCulture, $"{{\"type\":\"join\",\"room\":{roomJson},\"history\":{options.History}}}"));
        }

        await connection.ReceiveLoopAsync(stats);
    }

    private async Task PublishLoopAsync(ChatConnection connection, double rate, string roomJson, RunStats stats)
    {
        var interval = TimeSpan.FromSeconds(1 / rate);
        // Spread publishers over the interval so a room's messages do not leave in bursts.
        var next = _clock.Elapsed + (interval * Random.Shared.NextDouble());
        long sequence = 0;
        while (next < _schedule.PublishEnd && connection.Open)
        {
            if (next > _clock.Elapsed)
            {
                await Task.Delay(next - _clock.Elapsed);
            }

            sequence++;
            var stamp = new MessageStamp(connection.Index, sequence, StampClocks.Now(options.EffectiveClock));
            var frame = string.Create(CultureInfo.InvariantCulture,
                $"{{\"type\":\"send\",\"room\":{roomJson},\"text\":\"{stamp.Format(options.MessageSize)}\",\"clientId\":\"lg-{_runId}-{connection.Index}-{sequence}\"}}");
            if (!await connection.SendTextAsync(frame))
            {
                break;
            }

            Interlocked.Increment(ref stats.Published);
            Interlocked.Increment(ref stats.PublishedPerRoom[connection.Room]);
            next += interval;
        }
    }

    private string Target(string? token)
    {
        var target = options.Url.PathAndQuery;
        return token is null ? target : target + (target.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "access_token=" + Uri.EscapeDataString(token);
    }

    private TimeSpan Remaining(TimeSpan until) => until > _clock.Elapsed ? until - _clock.Elapsed : TimeSpan.Zero;

    private async Task ReportProgressAsync(RunStats stats, CancellationToken ct)
    {
        if (options.Quiet)
        {
            return;
        }

        try
        {
            while (true)
            {
                await Task.Delay(5000, ct);
                log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"[{_clock.Elapsed.TotalSeconds:F0}s] opened {stats.Opened} failed {stats.Failed} joined {stats.Joined} published {stats.Published} deliveries {stats.Deliveries} server-closed {stats.ClosedByServer}"));
            }
        }
        catch (OperationCanceledException)
        {
            // The run is over.
        }
    }

    private RunResult Summarize(RunStats stats, List<ChatConnection> connections, int held, double publishSeconds, ServerFigures? server)
    {
        var publishers = new SequenceSummary();
        var offsets = new SequenceSummary();
        var lastOffsetSum = new long[options.Rooms];
        long silent = 0;
        foreach (var c in connections)
        {
            if (c.Receiver.Joined)
            {
                lastOffsetSum[c.Room] += c.Receiver.Offsets.Last;
                if (stats.MaxAckedOffsetPerRoom[c.Room] > 0 && !c.Receiver.Publishers.Any())
                {
                    silent++;
                }
            }

            var gaps = c.Receiver.Publishers.Sum(t => t.Gaps);
            publishers = publishers.Plus(new SequenceSummary(gaps, c.Receiver.Publishers.Sum(t => t.Duplicates), c.Receiver.Publishers.Sum(t => t.Reorders), gaps > 0 ? 1 : 0));
            var o = c.Receiver.Offsets;
            offsets = offsets.Plus(new SequenceSummary(o.Gaps, o.Duplicates, o.Reorders, o.Gaps > 0 ? 1 : 0));
        }

        using var self = Process.GetCurrentProcess();
        var result = new RunResult
        {
            Scenario = options.Idle
                ? $"idle {options.Connections} connections"
                : $"{options.Connections} connections, {options.Rooms} room(s) [{options.RoomSizes}], {options.Publishers} publishers, {options.Rate} msg/s per room",
            Clock = options.EffectiveClock.ToString().ToLowerInvariant(),
            ConnectionsAttempted = stats.Attempted,
            ConnectionsOpened = stats.Opened,
            ConnectionsHeld = held,
            ConnectionsFailed = stats.Failed,
            Joined = stats.Joined,
            FailureReasons = new(stats.FailureReasons),
            CloseCodes = new(stats.CloseCodes),
            ErrorCodes = new(stats.ErrorCodes),
            PublishSeconds = Math.Round(publishSeconds, 3),
            MessagesPublished = stats.Published,
            Acks = stats.Acks,
            DuplicateAcks = stats.DuplicateAcks,
            Deliveries = stats.Deliveries,
            UnstampedMessages = stats.UnstampedMessages,
            WarmupDeliveries = stats.WarmupDeliveries,
            BadFrames = stats.BadFrames,
            PublisherSequences = publishers,
            RoomOffsets = offsets,
            PublishedPerRoom = stats.PublishedPerRoom,
            JoinedPerRoom = stats.JoinedPerRoom,
            MaxAckedOffsetPerRoom = stats.MaxAckedOffsetPerRoom,
            LastOffsetSumPerRoom = lastOffsetSum,
            SilentReceivers = silent,
            Server = server,
            Generator = new GeneratorFigures(Math.Round(self.TotalProcessorTime.TotalSeconds, 2), self.PeakWorkingSet64 / 1024),
        };
        result.Finish(stats.MergedLatency(), options.FirstWindow > 0 ? stats.MergedFirstWindow() : null);
        return result;
    }

    private static async Task<EndPoint> ResolveAsync(Uri url)
    {
        var port = url.Port > 0 ? url.Port : 80;
        if (IPAddress.TryParse(url.Host, out var address))
        {
            return new IPEndPoint(address, port);
        }

        var addresses = await Dns.GetHostAddressesAsync(url.Host);
        return new IPEndPoint(addresses.First(a => a.AddressFamily == AddressFamily.InterNetwork), port);
    }
}
