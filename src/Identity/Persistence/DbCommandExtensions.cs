using System.Data.Common;

namespace CommunityStream.Identity.Persistence;

/// <summary>Provider-neutral parameter and column helpers: both Npgsql and SQLite accept <c>@name</c> placeholders.</summary>
internal static class DbCommandExtensions
{
    public static DbCommand WithSql(this DbConnection connection, string sql, DbTransaction? transaction = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    public static DbCommand With(this DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return command;
    }

    /// <summary>SQLite returns INTEGER as long, PostgreSQL INTEGER as int: read either.</summary>
    public static long GetInt64Any(this DbDataReader reader, int ordinal) => Convert.ToInt64(reader.GetValue(ordinal), System.Globalization.CultureInfo.InvariantCulture);

    public static long? GetNullableInt64(this DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt64Any(ordinal);
}
