using System.Diagnostics;
using System.Runtime;
using Akka.Actor;
using CommunityStream.Chat.Rooms;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CommunityStream.Chat.Warmup;

/// <summary>
/// Runs the per-message path of chat in-process when the node starts (<see cref="WarmupPass"/>, and the journal through
/// <see cref="WarmupJournalWriter"/>) until its methods are compiled at tier 1, so the first users of a fresh node do not
/// pay for the JIT under load. The Host's readiness waits for <see cref="Finished"/>; the run is bounded by
/// <see cref="ChatOptions.WarmupSeconds"/> and leaves nothing behind (its journal events are deleted). docs/operations.md,
/// "Start-up".
/// </summary>
public sealed partial class ChatWarmup(IOptions<ChatOptions> options, ILogger<ChatWarmup> logger)
{
    // Three rounds: the first compiles the path (or finds its ReadyToRun code), the JIT's quiet lets call counting start,
    // the second passes the call-count threshold (30) by far, the third runs what the background tier-1 compiles left.
    private const int Rounds = 3;
    private const int MessagesPerRound = 300;
    private const int BatchSize = 10;

    // Journal writes of BatchSize events, one at a time, like a busy room's: past the call-count threshold too.
    private const int JournalBatches = 40;

    private volatile string? _outcome;

    /// <summary>The warm-up ran (or was cut short, or is off): the node may report ready.</summary>
    public bool Finished => _outcome is not null;

    /// <summary>What the warm-up did, for the readiness probe's answer.</summary>
    public string Description => _outcome ?? "warming up the chat path";

    /// <summary>Starts the warm-up in the background (or marks it finished when <see cref="ChatOptions.WarmupOnStart"/> is off).</summary>
    internal void Start(ActorSystem system)
    {
        if (!options.Value.WarmupOnStart)
        {
            _outcome = "warm-up off (Chat:WarmupOnStart)";
            return;
        }
        _ = Task.Run(() => RunOrReportAsync(system));
    }

    // Readiness waits for an outcome: a failed warm-up must still give one (the node serves, only colder).
    private async Task RunOrReportAsync(ActorSystem system)
    {
        try
        {
            await RunAsync(system);
        }
        catch (Exception ex)
        {
            _outcome = "warm-up failed: " + ex.GetType().Name;
            LogAborted(logger, ex);
        }
    }

    private async Task RunAsync(ActorSystem system)
    {
        var clock = Stopwatch.StartNew();
        var jitBefore = JitInfo.GetCompiledMethodCount();
        using var budget = new CancellationTokenSource(TimeSpan.FromSeconds(options.Value.WarmupSeconds));
        var persistenceId = "chat-warmup-" + Guid.NewGuid().ToString("N");
        var writer = system.ActorOf(Props.Create(() => new WarmupJournalWriter(persistenceId)), "chat-warmup");
        // The journal's first write (schema, linq2db's query compilation) can take seconds on a busy start: it runs beside
        // the pure steps, not in front of them.
        var journal = Task.Run(() => WriteJournalAsync(writer, budget.Token));
        var (messages, rounds, quiet) = await Task.Run(() => RunPureStepsAsync(clock, budget.Token));
        var written = await journal;
        await CleanUpAsync(writer, persistenceId);

        var methods = JitInfo.GetCompiledMethodCount() - jitBefore;
        var elapsed = clock.ElapsedMilliseconds;
        _outcome = $"chat path warmed up: {messages} messages, {written} journal events, {methods} methods compiled, {elapsed} ms"
            + $"{(quiet ? "" : " (stopped at its time limit)")}; rounds ended at {string.Join(", ", rounds)}";
        LogOutcome(logger, _outcome);
    }

    private async Task<(int Messages, List<string> Rounds, bool Quiet)> RunPureStepsAsync(Stopwatch clock, CancellationToken cancel)
    {
        var pass = new WarmupPass(options.Value);
        var rounds = new List<string>(Rounds);
        var quiet = false;
        try
        {
            for (var round = 0; round < Rounds && !cancel.IsCancellationRequested; round++)
            {
                for (var i = 0; i < MessagesPerRound; i++)
                {
                    pass.Next();
                }
                quiet = await JitQuiet.WaitAsync(cancel);
                rounds.Add($"{clock.ElapsedMilliseconds} ms{(quiet ? "" : " (JIT busy)")}");
            }
        }
        catch (Exception e)
        {
            LogFailed(logger, e, pass.Sent);
        }
        return (pass.Sent, rounds, quiet);
    }

    private async Task<int> WriteJournalAsync(IActorRef writer, CancellationToken cancel)
    {
        var pass = new WarmupPass(options.Value);
        var written = 0;
        try
        {
            for (var batch = 0; batch < JournalBatches && !cancel.IsCancellationRequested; batch++)
            {
                var events = new IRoomEvent[BatchSize];
                for (var i = 0; i < events.Length; i++)
                {
                    events[i] = pass.Next();
                }
                await writer.Ask<WarmupJournalWriter.Written>(new WarmupJournalWriter.Write(events), cancellationToken: cancel);
                written += events.Length;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or AskTimeoutException)
        {
            // Bounded by design: a slow journal ends the warm-up, never the node's readiness.
        }
        catch (Exception e)
        {
            LogFailed(logger, e, written);
        }
        return written;
    }

    private async Task CleanUpAsync(IActorRef writer, string persistenceId)
    {
        try
        {
            var finished = await writer.Ask<WarmupJournalWriter.Finished>(WarmupJournalWriter.Finish.Instance, TimeSpan.FromSeconds(5));
            if (finished.Failure is not null)
            {
                logger.LogWarning(finished.Failure, "Chat warm-up: deleting its journal events ({PersistenceId}) failed", persistenceId);
            }
        }
        catch (AskTimeoutException)
        {
            logger.LogWarning("Chat warm-up: deleting its journal events ({PersistenceId}) did not finish in 5 s", persistenceId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Chat warm-up stopped by an error; the node starts without it")]
    private static partial void LogAborted(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Chat warm-up: {Outcome}")]
    private static partial void LogOutcome(ILogger logger, string outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Chat warm-up failed after {Messages} messages; the node starts without the rest of it")]
    private static partial void LogFailed(ILogger logger, Exception exception, int messages);
}
