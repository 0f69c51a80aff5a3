namespace CommunityStream.BuildingBlocks;

/// <summary>The relational database behind the Akka journal and the Identity tables.</summary>
public enum DatabaseProvider
{
    /// <summary>An embedded SQLite file in the data directory (the single-process default).</summary>
    Sqlite,

    /// <summary>A PostgreSQL server (production clusters).</summary>
    PostgreSql,
}
