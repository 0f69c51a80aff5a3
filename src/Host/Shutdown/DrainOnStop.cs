using Akka.Actor;
using CommunityStream.BuildingBlocks;

namespace CommunityStream.Host.Shutdown;

/// <summary>
/// Runs the node's whole CoordinatedShutdown (drain, shard hand-over, cluster leave) while Kestrel still serves:
/// <see cref="IHostedLifecycleService.StoppingAsync"/> runs before any hosted service stops, and Kestrel is the first
/// to stop. So during the drain <c>/healthz/ready</c> answers 503 and <c>/ws</c> refuses upgrades instead of the
/// port closing under the load balancer. The drain itself begins earlier still, at <c>ApplicationStopping</c>.
/// </summary>
internal sealed class DrainOnStop(NodeDrain drain, IHostApplicationLifetime lifetime, IServiceProvider services) : IHostedLifecycleService
{
    private CancellationTokenRegistration _onStopping;

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        _onStopping = lifetime.ApplicationStopping.UnsafeRegister(static state => ((NodeDrain)state!).Begin(), drain);
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        drain.Begin();
        // Akka.Hosting's own stop runs the same shutdown again later; CoordinatedShutdown runs once and returns the same task.
        var system = services.GetRequiredService<ActorSystem>();
        await CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClrExitReason.Instance).WaitAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        _onStopping.Dispose();
        return Task.CompletedTask;
    }
}
