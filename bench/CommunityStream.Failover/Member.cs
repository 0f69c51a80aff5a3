using System.Globalization;
using System.Text.Json;

namespace CommunityStream.Failover;

/// <summary>
/// A room member: joins, follows every message by offset, and when its socket ends reconnects to the next node
/// and re-joins with <c>recover {epoch, offset}</c>. Records what it saw at each offset and when it received.
/// Bounded by the stop token and a reconnect budget.
/// </summary>
internal sealed class Member(string roomName, int firstNode, IReadOnlyList<Uri> nodes, RoomObservations seen, MemberTimeline timeline, RunCounters counters, FailoverOptions options)
{
    private const int MaxReconnects = 500;
    private const int MaxJoinAttempts = 20;

    private long? _lastOffset;
    private string? _epoch;

    public async Task RunAsync(CancellationToken stop)
    {
        var node = firstNode;
        for (var attempt = 0; attempt < MaxReconnects && !stop.IsCancellationRequested; attempt++)
        {
            ChatSocket socket;
            try
            {
                socket = await ChatSocket.ConnectAsync(nodes[node % nodes.Count], null, TimeSpan.FromSeconds(3), stop);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
            {
                RunCounters.Count(counters.ConnectFailures, e.GetType().Name);
                timeline.Note($"connect-failed n{(node % nodes.Count) + 1}");
                node++;
                await Pause(stop);
                continue;
            }

            timeline.Note($"connected n{(node % nodes.Count) + 1}");
            await using (socket)
            {
                await FollowAsync(socket, stop);
            }

            if (stop.IsCancellationRequested)
            {
                return;
            }

            timeline.Disconnected(MonotonicClock.NowMs);
            timeline.Note("end " + socket.EndReason);
            RunCounters.Count(counters.CloseCodes, socket.EndReason ?? "unknown");
            node++;
            await Pause(stop);
        }
    }

    private async Task FollowAsync(ChatSocket socket, CancellationToken stop)
    {
        var joinAttempts = 0;
        if (!await socket.SendAsync(JoinFrame()))
        {
            return;
        }

        var idle = TimeSpan.FromSeconds(options.MemberStallSeconds);
        while (await socket.ReceiveAsync(idle, stop) is { } lines)
        {
            foreach (var line in lines)
            {
                if (ServerLine.Parse(line) is not { } frame)
                {
                    continue;
                }

                switch (frame.Type)
                {
                    case "joined":
                        OnJoined(frame);
                        break;
                    case "message" when frame.Offset is { } offset:
                        OnMessage(offset, frame.Text ?? "");
                        break;
                    case "error":
                        RunCounters.Count(counters.Errors, "member-" + frame.Code);
                        timeline.Note($"error {frame.Code} ref {frame.Ref}");
                        // A join the room could not answer (unavailable while its shard moves) is retried on this socket.
                        if (frame.Ref == "join" && ++joinAttempts < MaxJoinAttempts)
                        {
                            await Task.Delay(500, stop).ContinueWith(_ => { }, TaskScheduler.Default);
                            if (!await socket.SendAsync(JoinFrame()))
                            {
                                return;
                            }
                        }

                        break;
                    default:
                        break;
                }
            }
        }
    }

    private string JoinFrame()
    {
        if (_lastOffset is { } offset && _epoch is not null)
        {
            return JsonSerializer.Serialize(new { type = "join", room = roomName, recover = new { epoch = _epoch, offset }, history = 100, @ref = "join" });
        }

        return JsonSerializer.Serialize(new { type = "join", room = roomName, history = 0, @ref = "join" });
    }

    private void OnJoined(ServerLine frame)
    {
        var recovering = _lastOffset is not null;
        timeline.Note($"joined offset {frame.Offset} recovered {frame.Recovered} messages {frame.Messages.Count} after {_lastOffset}");
        if (recovering && frame.Recovered != true)
        {
            counters.UnrecoveredJoin();
        }

        if (_epoch is not null && frame.Epoch is not null && frame.Epoch != _epoch)
        {
            counters.EpochChanged();
        }

        _epoch = frame.Epoch ?? _epoch;
        foreach (var (offset, text) in frame.Messages)
        {
            OnMessage(offset, text);
        }

        // The first join asks for no history: the room's latest offset is where following starts.
        _lastOffset ??= frame.Offset;
    }

    private void OnMessage(long offset, string text)
    {
        seen.Saw(offset, text);
        if (_lastOffset is { } last && offset <= last)
        {
            return;
        }

        if (_lastOffset is { } previous && offset > previous + 1)
        {
            counters.MemberGap(offset - previous - 1);
        }

        _lastOffset = offset;
        timeline.Received(MonotonicClock.NowMs);
    }

    private static Task Pause(CancellationToken stop) =>
        Task.Delay(100 + Random.Shared.Next(200), stop).ContinueWith(_ => { }, TaskScheduler.Default);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{roomName}@{_lastOffset}");
}
