namespace CommunityStream.Chat.Gateway;

/// <summary>
/// How many chat connections run on this node, so the drain can wait for their 1001 closes before the node
/// leaves the cluster.
/// </summary>
internal sealed class OpenChatConnections
{
    private readonly Lock _lock = new();
    private int _count;
    private TaskCompletionSource? _none;

    /// <summary>Connections running now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _count;
            }
        }
    }

    public void Opened()
    {
        lock (_lock)
        {
            _count++;
        }
    }

    public void Closed()
    {
        TaskCompletionSource? none = null;
        lock (_lock)
        {
            if (--_count == 0)
            {
                (none, _none) = (_none, null);
            }
        }
        none?.TrySetResult();
    }

    /// <summary>Completes when no connection runs any more, or after <paramref name="timeout"/>; true when none runs.</summary>
    public async Task<bool> WaitForNoneAsync(TimeSpan timeout)
    {
        Task none;
        lock (_lock)
        {
            if (_count == 0)
            {
                return true;
            }
            _none ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            none = _none.Task;
        }
        return await Task.WhenAny(none, Task.Delay(timeout)) == none;
    }
}
