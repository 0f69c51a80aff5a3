using CommunityStream.BuildingBlocks;
using CommunityStream.Host.Admin;

namespace CommunityStream.Host.Configuration;

/// <summary>Everything the Host needs before it can start, read once and validated.</summary>
/// <param name="Urls">Kestrel listen addresses (<c>Http:Url</c>, <c>;</c>-separated).</param>
/// <param name="DataDirectory">Absolute path of the data directory (SQLite file, generated keys).</param>
/// <param name="Database">The shared database.</param>
/// <param name="Cluster">Akka.Remote and Akka.Cluster settings.</param>
/// <param name="Admin">The admin listener (<c>Admin:*</c>).</param>
public sealed record HostSettings(
    IReadOnlyList<string> Urls,
    string DataDirectory,
    DatabaseOptions Database,
    ClusterSettings Cluster,
    AdminSettings Admin);
