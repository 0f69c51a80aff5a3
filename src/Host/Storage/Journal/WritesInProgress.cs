using System.Collections.Concurrent;

namespace CommunityStream.Host.Storage.Journal;

/// <summary>
/// The last write task of each persistence id still queued or in its transaction, so that a highest-sequence read
/// waits for it (as Akka.Persistence.Sql's journal does): a restarted actor must not recover a number below a write
/// of its former incarnation still in flight, or it would write that number again.
/// </summary>
internal sealed class WritesInProgress
{
    private readonly ConcurrentDictionary<string, Task> _last = new(StringComparer.Ordinal);

    /// <summary>Records <paramref name="write"/> as the last of each id; call before the first await of the write.</summary>
    public void Track(IEnumerable<string> persistenceIds, Task write)
    {
        foreach (var persistenceId in persistenceIds)
        {
            _last[persistenceId] = write;
        }
        // Removed only when still the last one: a later write of the same id keeps its entry.
        _ = write.ContinueWith(
            (done, state) =>
            {
                var (last, ids) = ((ConcurrentDictionary<string, Task>, IEnumerable<string>))state!;
                foreach (var id in ids)
                {
                    last.TryRemove(new KeyValuePair<string, Task>(id, done));
                }
            },
            (_last, persistenceIds),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>Completes when the last write of <paramref name="persistenceId"/> has ended, whether it failed or not.</summary>
    public Task WaitAsync(string persistenceId) =>
        _last.TryGetValue(persistenceId, out var write) && !write.IsCompleted
            ? write.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default)
            : Task.CompletedTask;
}
