using CommunityStream.BuildingBlocks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CommunityStream.Host.Health;

/// <summary>
/// Readiness: the database behind the journal answers a trivial query. The Akka journal check only
/// reports the plugin's own state, which stays healthy while an idle node's database is gone.
/// </summary>
internal sealed class DatabaseHealthCheck(DatabaseOptions database) : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            await using var connection = await database.OpenConnectionAsync(timeout.Token);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(timeout.Token);
            return HealthCheckResult.Healthy($"{database.Provider} answers");
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The exception type only: driver messages can echo connection details.
            return HealthCheckResult.Unhealthy($"{database.Provider} unreachable ({ex.GetType().Name})");
        }
    }
}
