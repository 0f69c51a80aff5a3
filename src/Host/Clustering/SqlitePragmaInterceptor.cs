using System.Data.Common;
using LinqToDB.Interceptors;

namespace CommunityStream.Host.Clustering;

/// <summary>
/// Prepares every connection the Akka journal and snapshot store open on SQLite:
/// <list type="bullet">
/// <item>runs <see cref="BuildingBlocks.DatabaseOptions.SqliteConnectionPragmas"/> (SQLite keeps <c>synchronous</c>
/// and <c>busy_timeout</c> per connection; Microsoft.Data.Sqlite has no connection-string keyword for them);</item>
/// <item>yields to the thread pool first. Microsoft.Data.Sqlite's async methods complete synchronously, so without
/// this the journal's write stream runs each insert and commit inline, hands the next write over before another
/// could queue behind it, and never batches: one transaction per event. With one real await per write the stream
/// keeps accepting writes while a transaction runs and commits them together (up to <c>batch-size</c>).</item>
/// </list>
/// </summary>
internal sealed class SqlitePragmaInterceptor(string pragmas) : ConnectionInterceptor
{
    public override void ConnectionOpened(ConnectionEventData eventData, DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(ConnectionEventData eventData, DbConnection connection, CancellationToken cancellationToken)
    {
        await Task.Yield();
        await using var command = connection.CreateCommand();
        command.CommandText = pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
