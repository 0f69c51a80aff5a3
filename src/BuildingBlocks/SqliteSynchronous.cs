namespace CommunityStream.BuildingBlocks;

/// <summary>
/// SQLite's <c>PRAGMA synchronous</c> for every connection to the shared file (WAL mode). It decides when a
/// commit waits for the disk: the journal's commit rate on a typical disk is bounded by it.
/// </summary>
public enum SqliteSynchronous
{
    /// <summary>
    /// No fsync per commit, only at checkpoints. A committed transaction survives a crash of the process;
    /// a power loss or OS crash can lose the last transactions committed before it (never corrupts the file).
    /// </summary>
    Normal,

    /// <summary>An fsync of the WAL on every commit: commits survive a power loss too, at a few ms each.</summary>
    Full,
}
