using Microsoft.Extensions.Hosting;

namespace CommunityStream.BuildingBlocks;

/// <summary>
/// Resolves a singleton when the host starts instead of on first use: a module's meter then publishes its
/// instruments from the first scrape, before anything has used them. Does nothing else.
/// </summary>
/// <typeparam name="T">The singleton to create at start.</typeparam>
public sealed class CreatedAtStart<T>(T instance) : IHostedService
    where T : class
{
    /// <summary>The instance, held so the container keeps it.</summary>
    public T Instance { get; } = instance;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
