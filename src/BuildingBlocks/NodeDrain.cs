namespace CommunityStream.BuildingBlocks;

/// <summary>
/// The node's drain: begins once, at the earliest sign that the node is stopping (the host's
/// <c>ApplicationStopping</c> or Akka's CoordinatedShutdown), before the node leaves the cluster. From then on the
/// node reports not ready and modules take no new work (the chat gateway refuses upgrades and closes its sockets).
/// </summary>
public sealed class NodeDrain : IDisposable
{
    private readonly CancellationTokenSource _started = new();

    /// <summary>Cancelled when the drain begins; callbacks run on the thread that began it, so keep them short.</summary>
    public CancellationToken Started => _started.Token;

    /// <summary>True once the drain has begun; it never ends (a drained node stops).</summary>
    public bool IsDraining => _started.IsCancellationRequested;

    /// <summary>Begins the drain; later calls do nothing.</summary>
    public void Begin()
    {
        try
        {
            _started.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The container is being disposed: the node has stopped already.
        }
    }

    public void Dispose() => _started.Dispose();
}
